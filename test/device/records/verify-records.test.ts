import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateDeviceKey, type DeviceKey } from '../../../device/signing/device-key.js';
import { signCompact } from '../../../device/signing/jws.js';
import { GENESIS, sealRecord, type ChainState, type RecordBody } from '../../../device/records/record-chain.js';
import { verifyRecordStream } from '../../../device/records/verify-records.js';
import { alarmBody, intervalBody } from './sample-bodies.js';

const root = mkdtempSync(join(tmpdir(), 'amsgate-vrs-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const key = loadOrCreateDeviceKey(join(root, 'a'));
const edKey = loadOrCreateDeviceKey(join(root, 'b'), 'EdDSA');
const keys = new Map<string, KeyObject>([[key.kid, key.publicKey], [edKey.kid, edKey.publicKey]]);
const T0 = Date.parse('2026-11-22T10:00:00Z');

function stream(n: number, k: DeviceKey = key, dev = 'gw1'): string[] {
  let chain: ChainState = GENESIS;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const body: RecordBody = i % 3 === 2 ? alarmBody() : intervalBody(new Date(T0 + i * 1_800_000).toISOString(), 1000 + i);
    const r = sealRecord(body, { deviceId: dev, chain, key: k, nowMs: T0 + i * 1_800_000 + 60_000 });
    chain = r.chain;
    out.push(r.compact);
  }
  return out;
}

const codes = (r: ReturnType<typeof verifyRecordStream>) => r.results.filter((x) => !x.ok).map((x) => [x.index, x.code]);

test('an intact stream verifies, with ids and seqs reported', () => {
  const r = verifyRecordStream(stream(6), keys);
  assert.ok(r.ok);
  assert.equal(r.results.map((x) => x.seq), [1, 2, 3, 4, 5, 6]);
  assert.is(r.results[0]!.id, 'iv/gw1/charger/import/2026-11-22T10:00:00Z/PT30M/0');
  assert.ok(verifyRecordStream(stream(4, edKey), keys).ok);
});

test('a stream may start mid-chain (a collector export from seq N)', () => {
  assert.ok(verifyRecordStream(stream(6).slice(2), keys).ok);
});

test('a deleted record is a seq gap', () => {
  const s = stream(5);
  s.splice(2, 1);
  assert.equal(codes(verifyRecordStream(s, keys)), [[2, 'seq-gap']]);
});

test('a replayed record is a seq replay and a duplicate id; the chain then continues', () => {
  const s = stream(5);
  const r = verifyRecordStream([...s.slice(0, 3), s[1]!, ...s.slice(3)], keys);
  assert.is(r.ok, false);
  const bad = r.results.filter((x) => !x.ok);
  assert.is(bad.length, 1);
  assert.is(bad[0]!.index, 3);
  assert.is(bad[0]!.code, 'seq-replay');
  assert.match(bad[0]!.reason!, /duplicate-id: id iv\/gw1\/charger\/import\/2026-11-22T10:30:00Z\/PT30M\/0 already appeared at index 1/);
});

test('swapped records break the sequence', () => {
  const s = stream(4);
  [s[1], s[2]] = [s[2]!, s[1]!];
  const r = verifyRecordStream(s, keys);
  assert.equal(codes(r), [[1, 'seq-gap'], [2, 'seq-replay']]);
});

test('a re-signed record with a forged prev breaks the chain', () => {
  const s = stream(3);
  // Seal record 3 again with the right seq but linking to a hash that is not record 2's.
  const forged = sealRecord(intervalBody('2026-11-22T11:00:00Z', 9999), { deviceId: 'gw1', chain: { seq: 2, prevHash: 'A'.repeat(43) }, key, nowMs: T0 });
  const r = verifyRecordStream([s[0]!, s[1]!, forged.compact], keys);
  assert.equal(codes(r), [[2, 'chain-broken']]);
});

test('a tampered payload fails its signature and the next link', () => {
  const s = stream(3);
  const [h, p, sig] = s[1]!.split('.');
  const obj = JSON.parse(Buffer.from(p!, 'base64url').toString());
  // A consistent forgery (energyKwh follows energyWh): only the signature can tell.
  obj.energyWh += 1000;
  obj.energyKwh = `${Number(obj.energyKwh.split('.')[0]) + 1}.${obj.energyKwh.split('.')[1]}`;
  s[1] = `${h}.${Buffer.from(JSON.stringify(obj)).toString('base64url')}.${sig}`;
  const r = verifyRecordStream(s, keys);
  assert.equal(codes(r), [[1, 'bad-signature'], [2, 'chain-broken']]);
});

test('unknown kid, malformed line, seq 1 with a prev, and an id that does not match its fields', () => {
  const stranger = loadOrCreateDeviceKey(join(root, 'c'));
  const r1 = verifyRecordStream(stream(1, stranger), keys);
  assert.equal(codes(r1), [[0, 'unknown-kid']]);
  assert.equal(codes(verifyRecordStream(['not.a.jws'], keys)), [[0, 'malformed']]);
  const first = sealRecord(intervalBody(), { deviceId: 'gw1', chain: GENESIS, key, nowMs: T0 });
  const wrongId = signCompact({ ...first.payload, id: 'iv/gw1/other' }, key);
  assert.equal(codes(verifyRecordStream([wrongId], keys)), [[0, 'id-mismatch']]);
  const withPrev = signCompact({ ...first.payload, prev: 'x' }, key);
  assert.equal(codes(verifyRecordStream([withPrev], keys)), [[0, 'chain-broken']]);
  const noSeq = signCompact({ ...first.payload, seq: 0 }, key);
  assert.equal(codes(verifyRecordStream([noSeq], keys)), [[0, 'invalid-payload']]);
});

test('two devices interleaved are chained separately', () => {
  const a = stream(3, key, 'gw1');
  const b = stream(3, edKey, 'gw2');
  const mixed = [a[0]!, b[0]!, a[1]!, b[1]!, b[2]!, a[2]!];
  assert.ok(verifyRecordStream(mixed, keys).ok);
});

test.run();
