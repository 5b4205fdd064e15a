// Issue 9: `amsgate keys show --format pem|jwk` writes only the key to stdout, so `> gw.pub.pem` gives a file that
// openssl and any JOSE library read. openssl skips text before "-----BEGIN", so reading the file with openssl alone
// would not catch a metadata line on stdout: the file must be exactly the key. Real processes, both algorithms.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createPublicKey } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from '../../host-cli/commands/keys.js';
import { runInProcess } from '../helpers/in-process-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'amsgate-keys-stdout-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** `amsgate args > stdoutFile`, stderr captured. */
function amsgate(args: string[], stdoutFile: string): Promise<{ code: number | null; err: string }> {
  const fd = openSync(stdoutFile, 'w');
  return new Promise((resolveRun, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', 'host-cli/main.ts', ...args], { cwd: root, stdio: ['ignore', fd, 'pipe'] });
    let err = '';
    c.stderr!.on('data', (d) => (err += d));
    c.on('error', reject);
    c.on('close', (code) => (closeSync(fd), resolveRun({ code, err })));
  });
}

const PEM_ONLY = /^-----BEGIN PUBLIC KEY-----\n(?:[A-Za-z0-9+/=]{1,64}\n)+-----END PUBLIC KEY-----\n$/;

for (const alg of ['ES256', 'EdDSA'] as const) {
  test(`${alg}: keys show --format pem and --format jwk, redirected to files, hold only the key`, async () => {
    const k = join(dir, alg);
    const made = await runInProcess(register, ['keys', 'create', '--dir', k, '--alg', alg, '--json']);
    assert.is(made.code, 0, made.err);
    const { kid, publicJwk } = JSON.parse(made.out);
    const pemFile = join(dir, `${alg}.pub.pem`);
    const jwkFile = join(dir, `${alg}.jwk`);
    const [pem, jwk] = await Promise.all([
      amsgate(['keys', 'show', '--dir', k, '--format', 'pem'], pemFile),
      amsgate(['keys', 'show', '--dir', k, '--format', 'jwk'], jwkFile),
    ]);
    assert.is(pem.code, 0, pem.err);
    assert.is(jwk.code, 0, jwk.err);

    // The PEM file is exactly one SPKI block; openssl turns it into the same DER as the JWK does through node:crypto.
    const pemText = readFileSync(pemFile, 'utf8');
    assert.match(pemText, PEM_ONLY);
    const ossl = spawnSync('openssl', ['pkey', '-pubin', '-in', pemFile, '-outform', 'DER'], { maxBuffer: 1 << 16 });
    assert.is(ossl.status, 0, ossl.stderr?.toString());

    // The JWK file is one JSON object and nothing else; node's JOSE-style import accepts it.
    const jwkText = readFileSync(jwkFile, 'utf8');
    const parsed = JSON.parse(jwkText);
    assert.equal(parsed, publicJwk);
    const fromJwk = createPublicKey({ key: parsed, format: 'jwk' });
    assert.is(fromJwk.asymmetricKeyType, alg === 'ES256' ? 'ec' : 'ed25519');
    assert.equal(Buffer.from(fromJwk.export({ format: 'der', type: 'spki' })), ossl.stdout);
    // The PEM and the JWK are the same key (the JWK adds kid, alg and use, RFC 7517 members a JOSE library accepts).
    const { kid: _k, alg: _a, use: _u, ...keyMembers } = parsed;
    assert.equal(createPublicKey(pemText).export({ format: 'jwk' }), keyMembers);
    assert.is(parsed.kid, kid);

    // What the key is goes to stderr, for the person at the terminal.
    for (const e of [pem.err, jwk.err]) assert.ok(e.includes(kid), `stderr names the kid: ${e}`);
    assert.not.ok(pemText.includes(kid), 'no kid line on the PEM stdout');
  });
}

test.run();
