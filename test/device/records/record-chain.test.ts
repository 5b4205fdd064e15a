import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateDeviceKey } from '../../../device/signing/device-key.js';
import { recordHash, verifyCompact } from '../../../device/signing/jws.js';
import {
  alarmRecordId,
  formatKwh,
  GENESIS,
  intervalRecordId,
  sealRecord,
  type ChainState,
} from '../../../device/records/record-chain.js';
import { alarmBody, intervalBody } from './sample-bodies.js';

const root = mkdtempSync(join(tmpdir(), 'amsgate-chain-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const key = loadOrCreateDeviceKey(root);
const NOW = Date.parse('2026-11-22T10:31:05.250Z');

test('formatKwh: exactly three decimals, integer maths, negatives and big values', () => {
  assert.is(formatKwh(0n), '0.000');
  assert.is(formatKwh(5n), '0.005');
  assert.is(formatKwh(3702n), '3.702');
  assert.is(formatKwh(1000n), '1.000');
  assert.is(formatKwh(-1500n), '-1.500');
  assert.is(formatKwh(-5n), '-0.005');
  assert.is(formatKwh(123456789012345678901n), '123456789012345678.901');
});

test('interval ids are idempotent and ignore how the start time was written', () => {
  const a = intervalRecordId('gw1', 'charger', 'import', '2026-11-22T10:00:00Z', 'PT30M', 0);
  assert.is(a, 'iv/gw1/charger/import/2026-11-22T10:00:00Z/PT30M/0');
  assert.is(intervalRecordId('gw1', 'charger', 'import', '2026-11-22T10:00:00.000Z', 'PT30M', 0), a);
  assert.is(intervalRecordId('gw1', 'charger', 'import', '2026-11-22T10:00:00+00:00', 'PT30M', 0), a);
  assert.is.not(intervalRecordId('gw1', 'charger', 'import', '2026-11-22T10:00:00Z', 'PT30M', 1), a);
  assert.is(alarmRecordId('gw1', 7), 'al/gw1/7');
  assert.throws(() => intervalRecordId('gw1', 'm', 'import', 'yesterday', 'PT30M', 0), /not an ISO 8601 time/);
});

test('sealRecord numbers, links and signs records', () => {
  let chain: ChainState = GENESIS;
  const first = sealRecord(intervalBody(), { deviceId: 'gw1', chain, key, nowMs: NOW });
  assert.is(first.payload.seq, 1);
  assert.is(first.payload.prev, '');
  assert.is(first.payload.v, 1);
  assert.is(first.payload.dev, 'gw1');
  assert.is(first.payload.kid, key.kid);
  assert.is(first.payload.created, '2026-11-22T10:31:05.250Z');
  assert.is(first.payload.id, 'iv/gw1/charger/import/2026-11-22T10:00:00Z/PT30M/0');
  assert.equal(first.chain, { seq: 1, prevHash: recordHash(first.compact) });
  assert.equal(verifyCompact(first.compact, key.publicKey).payload, first.payload);
  chain = first.chain;
  const second = sealRecord(alarmBody(), { deviceId: 'gw1', chain, key, nowMs: NOW + 1 });
  assert.is(second.payload.seq, 2);
  assert.is(second.payload.prev, recordHash(first.compact));
  assert.is(second.payload.id, 'al/gw1/2');
  assert.is(second.payload.type, 'alarm');
  // GENESIS itself is not changed by sealing.
  assert.equal(GENESIS, { seq: 0, prevHash: '' });
});

test('payload starts with the common fields in a fixed order', () => {
  const { compact } = sealRecord(intervalBody(), { deviceId: 'gw1', chain: GENESIS, key, nowMs: NOW });
  const json = Buffer.from(compact.split('.')[1]!, 'base64url').toString();
  assert.equal(Object.keys(JSON.parse(json)).slice(0, 8), ['v', 'id', 'dev', 'seq', 'prev', 'kid', 'created', 'type']);
});

test.run();
