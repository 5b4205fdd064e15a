// The PostgreSQL backend obeys the same rules as SQLite, including under two concurrent writers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyRing } from '../../../host-cli/collector/key-ring.js';
import { PgStore } from '../../../host-cli/collector/pg-store.js';
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

test.run();
