// The console password hash against RFC 7914's published scrypt test vector, and the login limiter's window.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hashPassword, verifyPassword } from '../../device/console/password.js';
import { LoginLimiter, SessionStore } from '../../device/console/sessions.js';

// RFC 7914 section 12: scrypt(P="password", S="NaCl", N=1024, r=8, p=16, dkLen=64). The first 32 bytes of a
// longer output are the 32-byte output (the final PBKDF2-HMAC-SHA256 produces independent blocks).
const RFC7914 = 'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640';
const vector = { alg: 'scrypt' as const, N: 1024, r: 8, p: 16, salt: Buffer.from('NaCl').toString('base64url'), hash: Buffer.from(RFC7914.slice(0, 64), 'hex').toString('base64url') };

test('verifyPassword accepts the RFC 7914 vector and refuses another password', async () => {
  assert.ok(await verifyPassword('password', vector));
  assert.not.ok(await verifyPassword('Password', vector));
});

test('hashPassword salts: two hashes of one password differ, both verify', async () => {
  const a = await hashPassword('a long enough password');
  const b = await hashPassword('a long enough password');
  assert.is.not(a.salt, b.salt);
  assert.is.not(a.hash, b.hash);
  assert.ok(await verifyPassword('a long enough password', a));
  assert.ok(await verifyPassword('a long enough password', b));
});

test('the limiter blocks an address after 5 failures for 15 minutes from the first, others stay free', () => {
  let t = 0;
  const l = new LoginLimiter(() => t);
  for (let i = 0; i < 5; i++) {
    assert.is(l.retryAfterMs('a'), 0);
    l.fail('a');
    t += 1000;
  }
  assert.is(l.retryAfterMs('a'), 15 * 60_000 - 5000);
  assert.is(l.retryAfterMs('b'), 0);
  t = 15 * 60_000;
  assert.is(l.retryAfterMs('a'), 0);
});

test('sessions end after the idle time', () => {
  let t = 0;
  const s = new SessionStore(() => t, 1000);
  const a = s.create();
  t = 999;
  assert.ok(s.get(a.id));
  t = 2000;
  assert.is(s.get(a.id), null);
});

test.run();
