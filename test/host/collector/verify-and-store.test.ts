import { test } from 'uvu';
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import { KeyRing } from '../../../host-cli/collector/key-ring.js';
import { verifyMessage } from '../../../host-cli/collector/verify-message.js';
import { quickShapeOk, schemaAccepts } from '../../../host-cli/collector/record-schema.js';
import { newIdentity, SimDevice } from '../../../host-cli/collector/sim-device.js';
import { signCompactWith } from '../../../host-cli/collector/jws.js';
import type { VerifiedRecord, Rejection } from '../../../host-cli/collector/store-types.js';
import { registeredDevice, tempSqlite } from './helpers.js';

const T = Date.parse('2026-06-01T00:00:00Z');
const topicI = (d: string): string => `amsgate/v1/${d}/interval`;

async function ingestCompacts(store: Parameters<typeof registeredDevice>[0], msgs: { topic: string; compact: string }[]) {
  const ring = KeyRing.from(await store.listKeys());
  const recs: VerifiedRecord[] = [];
  const rej: Rejection[] = [];
  for (const m of msgs) {
    const v = verifyMessage(m.topic, Buffer.from(m.compact), ring, 1);
    if (v.ok) recs.push(v.record);
    else rej.push(v.rejection);
  }
  return store.ingest(recs, rej);
}

test('valid records of both algorithms verify and are stored once; a duplicate is counted, not stored', async () => {
  const { store, cleanup } = await tempSqlite();
  try {
    const a = await registeredDevice(store, 'gw-a', 'EdDSA');
    const b = await registeredDevice(store, 'gw-b', 'ES256');
    const r1 = a.interval({ start: T, energyWh: 1234 });
    const r2 = b.interval({ start: T, energyWh: 10 });
    const res = await ingestCompacts(store, [{ topic: topicI('gw-a'), compact: r1.compact }, { topic: topicI('gw-b'), compact: r2.compact }]);
    assert.equal(res.accepted, 2);
    assert.equal(res.rejections, []);
    const again = await ingestCompacts(store, [{ topic: topicI('gw-a'), compact: r1.compact }]);
    assert.equal(again.accepted, 0);
    assert.equal(again.duplicates, 1);
    const c = await store.counts();
    assert.equal(c.records, 2);
    assert.equal(c.duplicates, 1);
  } finally {
    await cleanup();
  }
});

test('every kind of bad input is rejected with its reason, and nothing throws', async () => {
  const { store, cleanup } = await tempSqlite();
  try {
    const a = await registeredDevice(store, 'gw-a');
    const stranger = newIdentity('gw-a');
    const good = a.interval({ start: T, energyWh: 5 });
    const parts = good.compact.split('.');
    const tampered = `${parts[0]}.${Buffer.from(JSON.stringify({ ...good.payload, energyWh: 6, energyKwh: '0.006' })).toString('base64url')}.${parts[2]}`;
    const unknownKey = signCompactWith({ ...good.payload, kid: stranger.kid }, stranger.privateKey, stranger.kid);
    const msgs = [
      { topic: topicI('gw-a'), compact: 'not a jws at all' },
      { topic: topicI('gw-a'), compact: `${Buffer.from('{"alg":"EdDSA"}').toString('base64url')}.${Buffer.from('nope').toString('base64url')}.AA` },
      { topic: topicI('gw-a'), compact: `${Buffer.from('{"alg":"EdDSA"}').toString('base64url')}.${Buffer.from('{"v":1}').toString('base64url')}.AA` },
      { topic: topicI('gw-b'), compact: good.compact },
      { topic: topicI('gw-a'), compact: tampered },
      { topic: topicI('gw-a'), compact: unknownKey },
      { topic: topicI('gw-a'), compact: `${Buffer.from('{"alg":"HS256","kid":"x"}').toString('base64url')}.${parts[1]}.${parts[2]}` },
    ];
    const res = await ingestCompacts(store, msgs);
    assert.equal(res.accepted, 0);
    assert.equal(res.rejections.map((r) => r.reason), [
      'malformed-jws', 'payload-not-json', 'payload-shape', 'topic-mismatch', 'bad-signature', 'unknown-key', 'unsupported-alg',
    ]);
    const c = await store.counts();
    assert.equal(c.rejections['bad-signature'], 1);
    assert.equal((await store.listRejections(10)).length, 7);
  } finally {
    await cleanup();
  }
});

test('replay with different content under the same id is rejected; a fork of seq is rejected', async () => {
  const { store, cleanup } = await tempSqlite();
  try {
    const a = await registeredDevice(store, 'gw-a');
    const r1 = a.interval({ start: T, energyWh: 100 });
    assert.equal((await ingestCompacts(store, [{ topic: topicI('gw-a'), compact: r1.compact }])).accepted, 1);
    // Same id (same period, revision 0) re-signed with different energy at a new seq.
    const r2 = a.interval({ start: T, energyWh: 101 });
    const res = await ingestCompacts(store, [{ topic: topicI('gw-a'), compact: r2.compact }]);
    assert.equal(res.rejections.map((r) => r.reason), ['replay-conflict']);
    // A second signer chain reusing seq 1 with a different id.
    a.seq = 0;
    a.prevHash = '';
    const fork = a.interval({ start: T + 1800_000, energyWh: 1 });
    const res2 = await ingestCompacts(store, [{ topic: topicI('gw-a'), compact: fork.compact }]);
    assert.equal(res2.rejections.map((r) => r.reason), ['chain-fork']);
  } finally {
    await cleanup();
  }
});

test('hash chain: out-of-order arrival is accepted, a wrong prev is rejected against either stored neighbour, gaps are reported', async () => {
  const { store, cleanup } = await tempSqlite();
  try {
    const a = await registeredDevice(store, 'gw-a');
    const recs = [0, 1, 2, 3, 4].map((i) => a.interval({ start: T + i * 1800_000, energyWh: i }));
    // seq 3 first, then seq 1: neither neighbour present, both accepted; seq 5 arrives, seq 4 missing -> gap.
    let res = await ingestCompacts(store, [recs[2]!, recs[0]!, recs[4]!].map((r) => ({ topic: topicI('gw-a'), compact: r.compact })));
    assert.equal(res.accepted, 3);
    let chain = await store.chainReport();
    assert.equal(chain.gaps, [{ device: 'gw-a', from: 2, to: 2, where: 'between' }, { device: 'gw-a', from: 4, to: 4, where: 'between' }]);
    // A forged seq 2 whose prev is wrong: both neighbours are stored.
    const b = a.identity;
    const forged = { ...recs[1]!.payload, prev: 'AAAA' };
    const compactForged = signCompactWith(forged, b.privateKey, b.kid);
    res = await ingestCompacts(store, [{ topic: topicI('gw-a'), compact: compactForged }]);
    assert.equal(res.rejections.map((r) => r.reason), ['chain-broken']);
    res = await ingestCompacts(store, [recs[1]!, recs[3]!].map((r) => ({ topic: topicI('gw-a'), compact: r.compact })));
    assert.equal(res.accepted, 2);
    chain = await store.chainReport();
    assert.equal(chain, { gaps: [], breaks: [] });
  } finally {
    await cleanup();
  }
});

test('a key is only good for records created inside its validity window', async () => {
  const { store, cleanup } = await tempSqlite();
  try {
    const a = await registeredDevice(store, 'gw-a', 'ES256', T);
    const early = a.interval({ start: T - 3600_000, energyWh: 1 }); // created T - 30 min + 5 s
    const ok = a.interval({ start: T, energyWh: 1 });
    await store.revokeKey(a.identity.kid, T + 3600_000);
    const late = a.interval({ start: T + 3600_000, energyWh: 1 });
    const res = await ingestCompacts(store, [early, ok, late].map((r) => ({ topic: topicI('gw-a'), compact: r.compact })));
    assert.equal(res.accepted, 1);
    assert.equal(res.rejections.map((r) => r.reason), ['key-not-valid', 'key-not-valid']);
  } finally {
    await cleanup();
  }
});

test('fuzz: any bytes or any JSON payload is refused with a reason, never thrown', async () => {
  const { store, cleanup } = await tempSqlite();
  try {
    const a = await registeredDevice(store, 'gw-a');
    const good = a.interval({ start: T, energyWh: 5 });
    const [h, , sig] = good.compact.split('.') as [string, string, string];
    const ring = KeyRing.from(await store.listKeys());
    const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.uint8Array().map((u) => Buffer.from(u).toString('latin1')), fc.jsonValue().map((v) => `${h}.${b64(v)}.${sig}`),
        fc.record({ k: fc.constantFrom(...Object.keys(good.payload)), v: fc.jsonValue() }).map(({ k, v }) => `${h}.${b64({ ...good.payload, [k]: v })}.${sig}`)), (msg) => {
        const v = verifyMessage('amsgate/v1/gw-a/interval', Buffer.from(msg, 'latin1'), ring, 1);
        return v.ok ? msg === good.compact : typeof v.rejection.reason === 'string' && v.rejection.detail.length > 0;
      }),
      { numRuns: 1500 },
    );
  } finally {
    await cleanup();
  }
});

test('the hand-written shape check accepts good records and never accepts what the zod schema refuses', () => {
  const sim = new SimDevice(newIdentity('gw-q'));
  const good = [sim.interval({ start: T, energyWh: 5 }).payload, sim.interval({ start: T, energyWh: 0, resolution: 'PT15M', quality: 'estimated' }).payload, sim.alarm('test', new Date(T).toISOString()).payload];
  for (const g of good) assert.ok(quickShapeOk(g) && schemaAccepts(g));
  const paths = (o: unknown, pre: string[] = []): string[][] =>
    typeof o === 'object' && o !== null && !Array.isArray(o) ? Object.entries(o).flatMap(([k, v]) => [[...pre, k], ...paths(v, [...pre, k])]) : [];
  const setAt = (o: unknown, path: string[], v: unknown): unknown => {
    const c = structuredClone(o) as Record<string, unknown>;
    let cur = c;
    for (const k of path.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
    if (v === undefined) delete cur[path[path.length - 1]!];
    else cur[path[path.length - 1]!] = v;
    return c;
  };
  fc.assert(
    fc.property(fc.constantFrom(...good), fc.nat(), fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.integer(), fc.double(), fc.string()), (g, i, v) => {
      const ps = paths(g);
      const mutated = setAt(g, ps[i % ps.length]!, v);
      return !quickShapeOk(mutated) || schemaAccepts(mutated);
    }),
    { numRuns: 5000 },
  );
});

test('chain report (window-function SQL) matches a plain walk over the stored rows', async () => {
  const { chainFromRows } = await import('../../../host-cli/collector/store-rows.js');
  await fc.assert(
    fc.asyncProperty(fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), async (keepA, keepB) => {
      const { store, cleanup } = await tempSqlite();
      try {
        const rows: { device: string; seq: number; hash: string; prev: string }[] = [];
        const recs: VerifiedRecord[] = [];
        for (const [name, keep] of [['gw-a', keepA], ['gw-b', keepB]] as const) {
          const d = await registeredDevice(store, name);
          const ring = KeyRing.from(await store.listKeys());
          keep.forEach((k, i) => {
            const c = d.interval({ start: T + i * 1800_000, energyWh: i }).compact;
            const v = verifyMessage(topicI(name), c, ring, 1);
            if (k && v.ok) {
              recs.push(v.record);
              rows.push({ device: name, seq: v.record.seq, hash: v.record.hash, prev: v.record.prev });
            }
          });
        }
        await store.ingest(recs, []);
        assert.equal(await store.chainReport(), chainFromRows(rows));
        return true;
      } finally {
        await cleanup();
      }
    }),
    { numRuns: 25 },
  );
});

test.run();
