import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateDeviceKey, type DeviceKey } from '../../../device/signing/device-key.js';
import { SignatureError } from '../../../device/signing/errors.js';
import { decodeCompactUnverified, recordHash, signCompact, verifyCompact } from '../../../device/signing/jws.js';

const root = mkdtempSync(join(tmpdir(), 'amsgate-jws-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const es = loadOrCreateDeviceKey(join(root, 'es'), 'ES256');
const ed = loadOrCreateDeviceKey(join(root, 'ed'), 'EdDSA');
const other = loadOrCreateDeviceKey(join(root, 'other'), 'ES256');

const payload = { v: 1, id: 'al/gw/1', energyWh: 1234, text: 'ünïcode ok' };

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof SignatureError) return e.reason;
    throw e;
  }
  return 'no error';
}

/** DER-encodes a raw r||s ECDSA signature without using node's dsaEncoding option. */
function rawToDer(raw: Buffer): Buffer {
  const int = (b: Buffer): Buffer => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v = b.subarray(i);
    if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([0x02, v.length]), v]);
  };
  const body = Buffer.concat([int(raw.subarray(0, 32)), int(raw.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

for (const [name, key] of [['ES256', es], ['EdDSA', ed]] as [string, DeviceKey][]) {
  test(`${name}: sign then verify returns header and payload`, () => {
    const c = signCompact(payload, key);
    assert.is(c.split('.').length, 3);
    const { header, payload: p } = verifyCompact(c, key.publicKey);
    assert.equal(header, { alg: name, kid: key.kid, typ: 'amsgate-record+jws' });
    assert.equal(p, payload);
    // Works with the public JWK too.
    assert.equal(verifyCompact(c, key.publicJwk).payload, payload);
    assert.equal(decodeCompactUnverified(c).payload, payload);
  });

  test(`${name}: a changed payload or signature is detected`, () => {
    const c = signCompact(payload, key);
    const [h, , s] = c.split('.');
    const forged = Buffer.from(JSON.stringify({ ...payload, energyWh: 1235 })).toString('base64url');
    assert.is(reasonOf(() => verifyCompact(`${h}.${forged}.${s}`, key.publicKey)), 'bad-signature');
    const sig = Buffer.from(s!, 'base64url');
    sig[10] ^= 0x01;
    assert.is(reasonOf(() => verifyCompact(`${h}.${c.split('.')[1]}.${sig.toString('base64url')}`, key.publicKey)), 'bad-signature');
  });

  test(`${name}: another key does not verify it`, () => {
    const c = signCompact(payload, key);
    assert.is(reasonOf(() => verifyCompact(c, other.publicKey)), 'bad-signature');
  });
}

test('ES256 signature is 64-byte r||s and verifies with node:crypto alone (DER built by hand)', () => {
  const c = signCompact(payload, es);
  const [h, p, s] = c.split('.');
  const raw = Buffer.from(s!, 'base64url');
  assert.is(raw.length, 64);
  const pub = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: es.publicJwk.x, y: es.publicJwk.y }, format: 'jwk' });
  assert.ok(cryptoVerify('sha256', Buffer.from(`${h}.${p}`), pub, rawToDer(raw)));
  assert.equal(JSON.parse(Buffer.from(h!, 'base64url').toString()), { alg: 'ES256', kid: es.kid, typ: 'amsgate-record+jws' });
});

test('EdDSA signature verifies with node:crypto alone', () => {
  const c = signCompact(payload, ed);
  const [h, p, s] = c.split('.');
  const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: ed.publicJwk.x }, format: 'jwk' });
  assert.ok(cryptoVerify(null, Buffer.from(`${h}.${p}`), pub, Buffer.from(s!, 'base64url')));
});

test('malformed input and foreign algorithms are refused with a reason', () => {
  const c = signCompact(payload, es);
  const [h, p, s] = c.split('.');
  assert.is(reasonOf(() => verifyCompact('abc', es.publicKey)), 'malformed');
  assert.is(reasonOf(() => verifyCompact(`${h}.${p}`, es.publicKey)), 'malformed');
  assert.is(reasonOf(() => verifyCompact(`${h}.${p}!.${s}`, es.publicKey)), 'malformed');
  assert.is(reasonOf(() => verifyCompact(`${h}.${Buffer.from('not json').toString('base64url')}.${s}`, es.publicKey)), 'malformed');
  const none = Buffer.from(JSON.stringify({ alg: 'none', kid: es.kid })).toString('base64url');
  assert.is(reasonOf(() => verifyCompact(`${none}.${p}.`, es.publicKey)), 'unsupported-alg');
  const hs = Buffer.from(JSON.stringify({ alg: 'HS256', kid: es.kid })).toString('base64url');
  assert.is(reasonOf(() => verifyCompact(`${hs}.${p}.${s}`, es.publicKey)), 'unsupported-alg');
  // Header claims EdDSA but the key is P-256: refused, not verified with the wrong algorithm.
  const edh = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: es.kid })).toString('base64url');
  assert.is(reasonOf(() => verifyCompact(`${edh}.${p}.${s}`, es.publicKey)), 'bad-signature');
  // A DER signature is not accepted in place of r||s.
  const der = rawToDer(Buffer.from(s!, 'base64url')).toString('base64url');
  assert.is(reasonOf(() => verifyCompact(`${h}.${p}.${der}`, es.publicKey)), 'bad-signature');
});

test('recordHash is base64url SHA-256 of the compact text', () => {
  const c = signCompact(payload, ed);
  assert.is(recordHash(c), createHash('sha256').update(c).digest('base64url'));
  assert.is(recordHash(c).length, 43);
});

test.run();
