// Property: any deletion inside the stream, any duplication, any reordering and any change to one character of a
// record is reported by verifyRecordStream; the untouched stream always verifies.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateDeviceKey } from '../../../device/signing/device-key.js';
import { GENESIS, sealRecord, type ChainState } from '../../../device/records/record-chain.js';
import { verifyRecordStream } from '../../../device/records/verify-records.js';
import { alarmBody, intervalBody } from './sample-bodies.js';

const root = mkdtempSync(join(tmpdir(), 'amsgate-vrp-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const key = loadOrCreateDeviceKey(root, 'EdDSA');
const keys = new Map<string, KeyObject>([[key.kid, key.publicKey]]);
const T0 = Date.parse('2026-11-22T00:00:00Z');
const N = 12;
const records: string[] = [];
let chain: ChainState = GENESIS;
for (let i = 0; i < N; i++) {
  const r = sealRecord(i % 4 === 3 ? alarmBody() : intervalBody(new Date(T0 + i * 1_800_000).toISOString(), 500 + i), { deviceId: 'gw1', chain, key, nowMs: T0 + i * 1_800_000 });
  chain = r.chain;
  records.push(r.compact);
}

test('the untouched stream and any contiguous slice of it verify', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: N - 1 }), fc.integer({ min: 1, max: N }), (from, len) => {
      assert.ok(verifyRecordStream(records.slice(from, from + len), keys).ok);
    }),
  );
});

test('deleting a record inside the stream is detected', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: N - 2 }), (i) => {
      const s = records.filter((_, k) => k !== i);
      assert.is(verifyRecordStream(s, keys).ok, false);
    }),
  );
});

test('duplicating or moving a record is detected', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: N - 1 }), fc.integer({ min: 0, max: N }), (i, at) => {
      const dup = [...records];
      dup.splice(at, 0, records[i]!);
      assert.is(verifyRecordStream(dup, keys).ok, false);
    }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: N - 1 }), fc.integer({ min: 0, max: N - 1 }), (i, j) => {
      fc.pre(i !== j);
      const s = [...records];
      [s[i], s[j]] = [s[j]!, s[i]!];
      assert.is(verifyRecordStream(s, keys).ok, false);
    }),
  );
});

test('changing any one character of any record is detected', () => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
  fc.assert(
    fc.property(fc.integer({ min: 0, max: N - 1 }), fc.nat(), fc.integer({ min: 0, max: alphabet.length - 1 }), (i, pos, c) => {
      const r = records[i]!;
      const p = pos % r.length;
      const ch = alphabet[c]!;
      fc.pre(ch !== r[p]);
      const s = [...records];
      s[i] = r.slice(0, p) + ch + r.slice(p + 1);
      assert.is(verifyRecordStream(s, keys).ok, false);
    }),
    { numRuns: 300 },
  );
});

test.run();
