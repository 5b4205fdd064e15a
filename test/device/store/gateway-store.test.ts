import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayStore } from '../../../device/store/gateway-store.js';
import { openDatabase } from '../../../device/store/open-database.js';
import { migrations, SCHEMA_VERSION } from '../../../device/store/migrations.js';
import { RecordWriter } from '../../../device/runtime/record-writer.js';
import { AlarmManager } from '../../../device/alarms/alarm-manager.js';
import { loadOrCreateDeviceKey } from '../../../device/signing/device-key.js';
import { verifyCompact } from '../../../device/signing/jws.js';

const dir = mkdtempSync(join(tmpdir(), 'amsgate-store-'));
const key = loadOrCreateDeviceKey(join(dir, 'keys'), 'ES256');

test('migrations run once; a store from a newer amsgate is refused with a clear message', () => {
  const path = join(dir, 'm.db');
  GatewayStore.open(path).close();
  GatewayStore.open(path).close(); // second open applies nothing
  const newer = [...migrations, { version: 99, name: 'future', up: () => {} }];
  openDatabase(path, { migrations: newer }).close();
  try {
    GatewayStore.open(path);
    assert.unreachable('opened a newer store');
  } catch (err) {
    assert.match((err as Error).message, new RegExp(`schema version 99 but this amsgate knows versions up to ${SCHEMA_VERSION}`));
  }
});

test('migration 2 keeps every signed record by seq, backfilled from a version-1 store', () => {
  const path = join(dir, 'v1.db');
  const s = GatewayStore.open(path);
  const w = new RecordWriter(s, 'gw1', key);
  const alarms = new AlarmManager(s, w);
  alarms.raise('test', null, 'one', 1000);
  alarms.clear('test', null, 'two', 2000);
  assert.equal(s.recordsBySeq(1, 10).map((r) => [r.seq, r.type]), [[1, 'alarm'], [2, 'alarm']]);
  // Back to version 1: no records table, and the outbox row of seq 1 already trimmed.
  s.db.exec("DROP TABLE records; DELETE FROM schema_migrations WHERE version = 2; DELETE FROM outbox WHERE id = 1");
  s.close();
  const again = GatewayStore.open(path);
  assert.equal(again.recordsBySeq(1, 10).map((r) => [r.seq, r.type]), [[2, 'alarm']], 'what version 1 still held is backfilled');
  again.close();
});

test('WAL and synchronous FULL are set', () => {
  const s = GatewayStore.open(join(dir, 'p.db'));
  assert.equal(s.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(s.db.pragma('synchronous', { simple: true }), 2);
  s.close();
});

test('bigints above 2^53 survive state round trips', () => {
  const s = GatewayStore.open(join(dir, 'b.db'));
  const big = (1n << 70n) + 1n;
  s.setCounterState('m', 'import', { v: big, text: 'x' }, 1);
  assert.equal(s.getCounterState<{ v: bigint }>('m', 'import')!.v, big);
  s.close();
});

test('a record, its chain state and its outbox row commit together or not at all', () => {
  const s = GatewayStore.open(join(dir, 'a.db'));
  const w = new RecordWriter(s, 'gw1', key);
  const alarms = new AlarmManager(s, w);
  alarms.raise('test', null, 'first', 1000);
  assert.equal(w.chain().seq, 1);
  try {
    s.transaction(() => {
      alarms.raise('storage-limit', null, 'second', 2000);
      throw new Error('crash inside the transaction');
    });
  } catch {
    // expected
  }
  assert.equal(w.chain().seq, 1, 'chain rolled back');
  assert.equal(s.outbox.backlog().count, 1, 'outbox rolled back');
  assert.equal(s.activeAlarms().map((a) => a.kind), ['test']);
  // A raised alarm is not raised again while active; clearing writes one record.
  assert.equal(alarms.raise('test', null, 'again', 3000), false);
  assert.equal(alarms.clear('test', null, 'done', 4000), true);
  const rows = s.outbox.pending(0, 10);
  assert.equal(rows.length, 2);
  const p = verifyCompact(rows[1]!.payload, key.publicKey).payload as { seq: number; alarm: string; state: string };
  assert.equal([p.seq, p.alarm, p.state], [2, 'test', 'cleared']);
  s.close();
});

test('outbox: ordered pending, delivered marks, bounded trim', () => {
  const s = GatewayStore.open(join(dir, 'o.db'));
  for (let i = 0; i < 10; i++) s.outbox.enqueue('t', `p${i}`, 1, null, i);
  const first = s.outbox.pending(0, 3);
  assert.equal(first.map((m) => m.payload), ['p0', 'p1', 'p2']);
  s.outbox.markDelivered([first[0]!.id, first[1]!.id], 100);
  assert.equal(s.outbox.backlog().count, 8);
  const t = s.outbox.trim(5);
  assert.equal(t.dropped, 3);
  assert.equal(s.outbox.pending(0, 100).map((m) => m.payload), ['p5', 'p6', 'p7', 'p8', 'p9']);
  s.close();
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test('afterCommit hooks run once the outer transaction commits and are dropped when it rolls back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-hooks-'));
  const store = GatewayStore.open(join(dir, 'g.db'));
  try {
    const heard: string[] = [];
    store.transaction(() => {
      store.setMeta('a', 1);
      store.transaction(() => store.afterCommit(() => heard.push('inner')));
      assert.equal(heard, [], 'not before the commit');
    });
    assert.equal(heard, ['inner']);
    assert.throws(() =>
      store.transaction(() => {
        store.setMeta('b', 2);
        store.afterCommit(() => heard.push('rolled back'));
        throw new Error('abort');
      }),
    );
    assert.equal(heard, ['inner']);
    assert.is(store.getMeta('b'), null);
    store.afterCommit(() => heard.push('outside'));
    assert.equal(heard, ['inner', 'outside']);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
