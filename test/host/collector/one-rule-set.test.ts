// `amsgate verify` and the collector apply one rule set (device/records/check-record.ts). Each record below was
// accepted by one of them and refused by the other before they shared it; now both refuse it, for the same reason.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sign, type KeyObject } from 'node:crypto';
import { verifyRecordStream } from '../../../device/records/verify-records.js';
import { KeyRing } from '../../../host-cli/collector/key-ring.js';
import { newIdentity, SimDevice } from '../../../host-cli/collector/sim-device.js';
import { verifyMessage } from '../../../host-cli/collector/verify-message.js';

const T = Date.parse('2026-06-01T00:00:00Z');
const id = newIdentity('gw-one', 'ES256');
const ring = KeyRing.from([{ device: 'gw-one', kid: id.kid, alg: 'ES256', jwk: id.publicJwk, validFrom: 0, validTo: null, source: 'test', addedAt: 0 }]);
const keys = new Map<string, KeyObject>([[id.kid, id.publicKey]]);

/** Signs any header and payload with the device's key: what a forger holding a stolen key, or a buggy signer, emits. */
function signRaw(header: object, payload: object): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: id.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

function verdicts(compact: string): { verify: string; collector: string } {
  const v = verifyRecordStream([compact], keys).results[0]!;
  const c = verifyMessage('amsgate/v1/gw-one/interval', compact, ring, T);
  return { verify: v.ok ? 'ok' : v.code!, collector: c.ok ? 'ok' : c.rejection.reason };
}

const good = new SimDevice(id).interval({ start: T, energyWh: 1234 });

test('a good record is accepted by both', () => {
  assert.equal(verdicts(good.compact), { verify: 'ok', collector: 'ok' });
});

test('a "crit" header (an extension neither understands) is refused by both; the collector used to accept it', () => {
  const c = signRaw({ alg: 'ES256', kid: id.kid, typ: 'amsgate-record+jws', crit: ['exp'], exp: 1 }, good.payload);
  assert.equal(verdicts(c), { verify: 'unsupported-alg', collector: 'unsupported-alg' });
});

test('a signature in non-canonical base64url (same bytes, different text, so a different chain hash) is refused by both', () => {
  const [h, p, s] = good.compact.split('.') as [string, string, string];
  // 64 bytes = 86 characters: the last one carries 2 data bits and 4 unused ones; setting an unused bit keeps the bytes.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(s.at(-1)!);
  const altered = `${h}.${p}.${s.slice(0, -1)}${alphabet[last ^ 1]}`;
  assert.equal(Buffer.from(altered.split('.')[2]!, 'base64url'), Buffer.from(s, 'base64url'), 'same signature bytes');
  assert.equal(verdicts(altered), { verify: 'malformed', collector: 'malformed-jws' });
});

test('a period whose end - start is not its resolution is refused by both; both used to accept it', () => {
  const p = { ...good.payload, period: { ...good.payload.period, end: new Date(T + 3_600_000).toISOString() } };
  assert.equal(verdicts(signRaw({ alg: 'ES256', kid: id.kid, typ: 'amsgate-record+jws' }, p)), { verify: 'invalid-payload', collector: 'payload-shape' });
});

test('energyKwh that is not energyWh / 1000 is refused by both; verify used to accept it', () => {
  const p = { ...good.payload, energyKwh: '1.235' };
  assert.equal(verdicts(signRaw({ alg: 'ES256', kid: id.kid, typ: 'amsgate-record+jws' }, p)), { verify: 'invalid-payload', collector: 'payload-shape' });
});

test.run();
