import { test } from 'uvu';
import { runInProcess } from '../helpers/in-process-cli.js';
import * as assert from 'uvu/assert';
import { createPublicKey } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from '../../host-cli/commands/keys.js';

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
  const block = /-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----/.exec(pem.out)![0];
  assert.is(createPublicKey(block).export({ format: 'jwk' }).x, j1.publicJwk.x);
  assert.match(pem.out, new RegExp(`kid  ${j1.kid.replace(/[-]/g, '\\-')}`));
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

test.run();
