import { test } from 'uvu';
import { runInProcess } from '../helpers/in-process-cli.js';
import * as assert from 'uvu/assert';
import { createPublicKey } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from '../../host-cli/commands/keys.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'amsgate-keys-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[]) => runInProcess(register, args);

test('keys create makes a 0600 key, is idempotent, and show prints the same kid as JWK and PEM', async () => {
  const k = join(dir, 'k1');
  const c1 = await cli(['keys', 'create', '--dir', k, '--json']);
  assert.is(c1.code, 0, c1.err);
  const j1 = JSON.parse(c1.out);
  assert.is(j1.status, 'created');
  assert.is(j1.alg, 'ES256');
  assert.is(statSync(join(k, 'device-key.pem')).mode & 0o777, 0o600);
  const c2 = await cli(['keys', 'create', '--dir', k, '--json']);
  assert.is(JSON.parse(c2.out).status, 'exists');
  assert.is(JSON.parse(c2.out).kid, j1.kid);
  const pem = await cli(['keys', 'show', '--dir', k, '--format', 'pem']);
  assert.is(pem.code, 0);
  assert.match(pem.out, /^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
  assert.is(createPublicKey(pem.out).export({ format: 'jwk' }).x, j1.publicJwk.x);
  assert.ok(pem.err.includes(`kid  ${j1.kid}`), pem.err);
  const jwk = await cli(['keys', 'show', '--dir', k]);
  assert.equal(JSON.parse(jwk.out), j1.publicJwk);
  assert.is(createPublicKey({ key: JSON.parse(jwk.out), format: 'jwk' }).export({ format: 'jwk' }).y, j1.publicJwk.y);
});

test('keys create --alg EdDSA; show refuses a missing key and an open key file with exit 2', async () => {
  const k = join(dir, 'k2');
  const c = await cli(['keys', 'create', '--dir', k, '--alg', 'EdDSA', '--json']);
  assert.is(JSON.parse(c.out).publicJwk.crv, 'Ed25519');
  const missing = await cli(['keys', 'show', '--dir', join(dir, 'nothing')]);
  assert.is(missing.code, 2);
  assert.match(missing.err, /no device key at .*; create one with: amsgate keys create --dir/);
  chmodSync(join(k, 'device-key.pem'), 0o644);
  const open = await cli(['keys', 'show', '--dir', k]);
  assert.is(open.code, 2);
  assert.match(open.err, /expected 0600: run chmod 600 /);
  const bad = await cli(['keys', 'create', '--dir', k, '--alg', 'RS256']);
  assert.is(bad.code, 2);
});

function amsgate(args: string[], stdoutFile: string): Promise<number | null> {
  const fd = openSync(stdoutFile, 'w');
  return new Promise((resolveRun, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', 'host-cli/main.ts', ...args], { cwd: root, stdio: ['ignore', fd, 'ignore'] });
    c.on('error', reject);
    c.on('close', (code) => (closeSync(fd), resolveRun(code)));
  });
}

test('keys show --format pem > file gives a file openssl reads; --format jwk > file is the bare JWK', async () => {
  const k = join(dir, 'k3');
  const made = await cli(['keys', 'create', '--dir', k, '--json']);
  const pemFile = join(dir, 'gw.pub.pem');
  const jwkFile = join(dir, 'gw.jwk');
  const [pemCode, jwkCode] = await Promise.all([
    amsgate(['keys', 'show', '--dir', k, '--format', 'pem'], pemFile),
    amsgate(['keys', 'show', '--dir', k, '--format', 'jwk'], jwkFile),
  ]);
  assert.is(pemCode, 0);
  assert.is(jwkCode, 0);
  const ossl = spawnSync('openssl', ['pkey', '-pubin', '-in', pemFile, '-noout', '-text'], { encoding: 'utf8' });
  assert.is(ossl.status, 0, ossl.stderr);
  assert.match(ossl.stdout, /Public-Key: \(256 bit\)[\s\S]*ASN1 OID: prime256v1/);
  assert.equal(JSON.parse(readFileSync(jwkFile, 'utf8')), JSON.parse(made.out).publicJwk);
});

test.run();
