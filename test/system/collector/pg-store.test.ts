// The PostgreSQL backend obeys the same rules as SQLite, including under two concurrent writers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyRing } from '../../../host-cli/collector/key-ring.js';
import pg from 'pg';
import { parsePgUrl, PgStore } from '../../../host-cli/collector/pg-store.js';
import { RECORD_COLUMNS, recordRow } from '../../../host-cli/collector/schema.js';
import { newIdentity, SimDevice } from '../../../host-cli/collector/sim-device.js';
import { deviceKeyFromPrivate } from '../../../device/signing/device-key.js';
import { signCompact } from '../../../device/signing/jws.js';
import type { CollectorStore, Rejection, VerifiedRecord } from '../../../host-cli/collector/store-types.js';
import { verifyMessage } from '../../../host-cli/collector/verify-message.js';
import { tempPg } from './pg.js';

const T = Date.parse('2026-06-01T00:00:00Z');

async function dev(store: CollectorStore, name: string, alg: 'ES256' | 'EdDSA' = 'ES256', validFrom = 0): Promise<SimDevice> {
  const id = newIdentity(name, alg);
  await store.addKey({ device: name, kid: id.kid, alg, jwk: id.publicJwk, validFrom, validTo: null, source: 'test', addedAt: 0 });
  return new SimDevice(id);
}

async function verifyAll(store: CollectorStore, compacts: string[], device: string): Promise<{ recs: VerifiedRecord[]; rej: Rejection[] }> {
  const ring = KeyRing.from(await store.listKeys());
  const recs: VerifiedRecord[] = [];
  const rej: Rejection[] = [];
  for (const c of compacts) {
    const v = verifyMessage(`amsgate/v1/${device}/interval`, c, ring, 1);
    if (v.ok) recs.push(v.record);
    else rej.push(v.rejection);
  }
  return { recs, rej };
}

test('postgres: accept, duplicate, replay conflict, chain rules, key window, intervals and chain report', async () => {
  const { store, cleanup } = await tempPg('rules');
  try {
    const a = await dev(store, 'gw-a', 'ES256', T - 86_400_000);
    const recs = [0, 1, 2, 3].map((i) => a.interval({ start: T + i * 1800_000, energyWh: 100 + i }));
    let v = await verifyAll(store, [recs[2]!.compact, recs[0]!.compact], 'gw-a');
    let r = await store.ingest(v.recs, v.rej);
    assert.is(r.accepted, 2);
    v = await verifyAll(store, [recs[0]!.compact, a.interval({ start: T, energyWh: 5 }).compact], 'gw-a');
    r = await store.ingest(v.recs, v.rej);
    assert.is(r.duplicates, 1);
    assert.equal(r.rejections.map((x) => x.reason), ['replay-conflict']);
    const forged = signCompact({ ...recs[1]!.payload, prev: 'AAAA' }, deviceKeyFromPrivate(a.identity.privateKey));
    v = await verifyAll(store, [forged], 'gw-a');
    r = await store.ingest(v.recs, v.rej);
    assert.equal(r.rejections.map((x) => x.reason), ['chain-broken']);
    v = await verifyAll(store, [recs[1]!.compact, recs[3]!.compact], 'gw-a');
    assert.is((await store.ingest(v.recs, v.rej)).accepted, 2);
    const c = await store.counts();
    assert.equal([c.intervals, c.duplicates, c.rejections['replay-conflict'], c.rejections['chain-broken']], [4, 1, 1, 1]);
    // seq 5 (the replay) was refused, so 1..4 are contiguous.
    assert.equal(await store.chainReport(), { gaps: [], breaks: [] });
    const iv = await store.intervals({ device: 'gw-a', fromMs: T + 1800_000 });
    assert.equal(iv.map((x) => x.payload.energyWh), [101, 102, 103]);
    await store.revokeKey(a.identity.kid, T + 10 * 1800_000);
    const late = a.interval({ start: T + 20 * 1800_000, energyWh: 1 });
    v = await verifyAll(store, [late.compact], 'gw-a');
    assert.equal(v.rej.map((x) => x.reason), ['key-not-valid']);
  } finally {
    await cleanup();
  }
});

test('postgres: two collectors storing the same batch at once store each record exactly once', async () => {
  const { store, url, cleanup } = await tempPg('race');
  const other = new PgStore(url);
  try {
    const devices = await Promise.all([0, 1, 2, 3, 4].map((i) => dev(store, `gw-${i}`, 'EdDSA')));
    const compacts = devices.flatMap((d) => [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ d: d.device, c: d.interval({ start: T + i * 1800_000, energyWh: i }).compact })));
    const ring = KeyRing.from(await store.listKeys());
    const verdicts = compacts.map((x) => verifyMessage(`amsgate/v1/${x.d}/interval`, x.c, ring, 1));
    const recs = verdicts.flatMap((v) => (v.ok ? [v.record] : []));
    assert.equal(verdicts.flatMap((v) => (v.ok ? [] : [v.rejection.detail])), []);
    assert.is(recs.length, 40);
    const [r1, r2] = await Promise.all([store.ingest(recs, []), other.ingest([...recs].reverse(), [])]);
    assert.is(r1.accepted + r2.accepted, 40);
    assert.is(r1.duplicates + r2.duplicates, 40);
    assert.is(r1.rejections.length + r2.rejections.length, 0);
    assert.is((await store.counts()).intervals, 40);
  } finally {
    await other.close();
    await cleanup();
  }
});

test('postgres: a record stored by another session while the batch is copied sends the batch through INSERT; it counts as a duplicate', async () => {
  const { store, url, cleanup } = await tempPg('copyclash');
  const { connectionString, schema } = parsePgUrl(url);
  const other = new pg.Client({ connectionString, options: `-c search_path=${schema}` });
  await other.connect();
  try {
    const d = await dev(store, 'gw-c', 'EdDSA');
    const compacts = [0, 1, 2, 3].map((i) => d.interval({ start: T + i * 1800_000, energyWh: i }).compact);
    const { recs } = await verifyAll(store, compacts, 'gw-c');
    // Another session inserts seq 3 and holds its transaction open: the batch's look-ups do not see it, its COPY
    // waits on the unique index and fails once that transaction commits.
    const holder = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await other.query('BEGIN');
    await other.query(`INSERT INTO records (${RECORD_COLUMNS.join(',')}) VALUES (${RECORD_COLUMNS.map((_c, i) => `$${i + 1}`).join(',')})`, recordRow(recs[2]!));
    const ingesting = store.ingest(recs, []);
    for (let i = 0; ; i++) {
      const w = await other.query(`SELECT 1 FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`, [holder]);
      if (w.rowCount) break;
      if (i > 2000) throw new Error('the batch never waited for the held row');
      await new Promise((r) => setImmediate(r));
    }
    await other.query('COMMIT');
    const r = await ingesting;
    assert.equal({ accepted: r.accepted, duplicates: r.duplicates, rejections: r.rejections.length, fallbacks: store.copyFallbacks }, { accepted: 3, duplicates: 1, rejections: 0, fallbacks: 1 });
    assert.equal((await store.intervals({})).map((x) => x.seq), [1, 2, 3, 4]);
  } finally {
    await other.end();
    await cleanup();
  }
});

test.run();
