import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, createPublicKey } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../drivers/errors.js';
import {
  jwkThumbprint,
  loadOrCreateDeviceKey,
  newPrivateKeyPem,
  parsePublicKey,
  PRIVATE_KEY_FILE,
  publicKeyPem,
} from '../../../device/signing/device-key.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'amsgate-key-'));
  dirs.push(d);
  return d;
};
test.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test('creates an ES256 key with mode 0600 and loads the same key again', () => {
  const dir = tmp();
  const k1 = loadOrCreateDeviceKey(dir);
  assert.is(k1.alg, 'ES256');
  assert.is(statSync(join(dir, PRIVATE_KEY_FILE)).mode & 0o777, 0o600);
  const k2 = loadOrCreateDeviceKey(dir);
  assert.is(k2.kid, k1.kid);
  assert.is(k2.publicJwk.kty, 'EC');
  assert.is(k2.publicJwk.crv, 'P-256');
  assert.is(k2.publicJwk.kid, k1.kid);
  assert.is((k2.publicJwk as Record<string, unknown>).d, undefined, 'public JWK must not carry the private scalar');
});

test('creates an EdDSA key when asked and refuses a later mismatch', () => {
  const dir = tmp();
  const k = loadOrCreateDeviceKey(dir, 'EdDSA');
  assert.is(k.alg, 'EdDSA');
  assert.is(k.publicJwk.kty, 'OKP');
  assert.is(k.publicJwk.crv, 'Ed25519');
  assert.throws(() => loadOrCreateDeviceKey(dir, 'ES256'), (e: Error) => e instanceof ConfigError && /is EdDSA but the configuration asks for ES256/.test(e.message));
  assert.is(loadOrCreateDeviceKey(dir).alg, 'EdDSA');
});

test('refuses a private key readable by group or others, naming the chmod fix', () => {
  const dir = tmp();
  loadOrCreateDeviceKey(dir);
  const file = join(dir, PRIVATE_KEY_FILE);
  chmodSync(file, 0o644);
  try {
    loadOrCreateDeviceKey(dir);
    assert.unreachable('should refuse');
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.is((e as Error).message, `device key ${file} is open to group or others (mode 0644); expected 0600: run chmod 600 ${file}`);
  }
  chmodSync(file, 0o640);
  assert.throws(() => loadOrCreateDeviceKey(dir), /mode 0640/);
  chmodSync(file, 0o600);
  loadOrCreateDeviceKey(dir);
});

test('kid is the RFC 7638 thumbprint (RFC 7638 section 3.1 example)', () => {
  // The RSA example key from RFC 7638 and its published thumbprint.
  const jwk = {
    kty: 'RSA',
    n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
    e: 'AQAB',
    alg: 'RS256',
    kid: '2011-04-29',
  };
  assert.is(jwkThumbprint(jwk), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
});

test('kid of an EC key matches a hand-built thumbprint', () => {
  const k = loadOrCreateDeviceKey(tmp());
  const j = k.publicJwk;
  const manual = createHash('sha256').update(`{"crv":"P-256","kty":"EC","x":"${j.x}","y":"${j.y}"}`).digest('base64url');
  assert.is(k.kid, manual);
});

test('PEM and JWK exports describe the same public key', () => {
  const dir = tmp();
  const k = loadOrCreateDeviceKey(dir);
  const pem = publicKeyPem(k);
  assert.match(pem, /^-----BEGIN PUBLIC KEY-----/);
  assert.is(readFileSync(join(dir, 'device-key.pub.pem'), 'utf8'), pem);
  const fromPem = createPublicKey(pem).export({ format: 'jwk' });
  assert.is(fromPem.x, k.publicJwk.x);
  assert.is(fromPem.y, k.publicJwk.y);
  const fromJwkText = parsePublicKey(JSON.stringify(k.publicJwk));
  assert.is(fromJwkText.export({ format: 'pem', type: 'spki' }).toString(), pem);
});

test('refuses a key file that is not a PEM private key', () => {
  const dir = tmp();
  writeFileSync(join(dir, PRIVATE_KEY_FILE), 'not a key', { mode: 0o600 });
  assert.throws(() => loadOrCreateDeviceKey(dir), /is not a PEM private key/);
});

test('a new key is made as PEM text and imported from it: the returned key is the file\'s, not the generator\'s object', () => {
  // Node 20 can deadlock exporting a JWK from generateKeyPairSync's own KeyObject (docs/collector.md, "Why it hung").
  for (const alg of ['ES256', 'EdDSA'] as const) {
    const pem = newPrivateKeyPem(alg);
    assert.type(pem, 'string');
    assert.ok(pem.startsWith('-----BEGIN PRIVATE KEY-----\n'), 'PKCS#8 PEM');
    const dir = tmp();
    const k = loadOrCreateDeviceKey(dir, alg);
    const file = readFileSync(join(dir, PRIVATE_KEY_FILE), 'utf8');
    assert.is(k.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), file);
    assert.is(k.kid, jwkThumbprint(createPublicKey(file).export({ format: 'jwk' })));
  }
});

test.run();
