// The collector's look-ahead: messages queued behind a batch take part in its hash chain (one signature per device
// run of a backlog, not per device and batch), and never change a verdict: each message's verdict, in its own batch,
// is the one of verifying it alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deviceKeyFromPrivate } from '../../../device/signing/device-key.js';
import { signCompact } from '../../../device/signing/jws.js';
import { verifyPending } from '../../../host-cli/collector/batch-verify.js';
import type { Incoming } from '../../../host-cli/collector/chain-auth.js';
import { KeyRing } from '../../../host-cli/collector/key-ring.js';
import { newIdentity, SimDevice } from '../../../host-cli/collector/sim-device.js';
import type { CollectorStore } from '../../../host-cli/collector/store-types.js';
import { verifyMessage } from '../../../host-cli/collector/verify-message.js';

const T = Date.parse('2026-06-01T00:00:00Z');
const a = newIdentity('gw-la', 'ES256');
const b = newIdentity('gw-lb', 'EdDSA');
const rows = [a, b].map((i) => ({ device: i.device, kid: i.kid, alg: i.alg, jwk: i.publicJwk, validFrom: 0, validTo: null, source: 'test', addedAt: 0 }));
const ring = KeyRing.from(rows);
const store = {} as CollectorStore; // no stored successors are asked for (tailOf 0)

function run(id: typeof a, n: number): Incoming[] {
  const d = new SimDevice(id);
  return Array.from({ length: n }, (_, i) => ({ topic: `amsgate/v1/${id.device}/interval`, payload: d.interval({ start: T + i * 1_800_000, energyWh: 100 + i }).compact, receivedAt: T }));
}
const alone = (m: Incoming): string => {
  const v = verifyMessage(m.topic, m.payload, ring, m.receivedAt);
  return v.ok ? 'ok' : v.rejection.reason;
};
const fresh = (ms: Incoming[]): Incoming[] => ms.map((m) => ({ topic: m.topic, payload: m.payload, receivedAt: m.receivedAt }));

/** The batches of `msgs` cut every `size`, each looking ahead at the rest: their verdicts in order, and the counts. */
async function inBatches(msgs: Incoming[], size: number, r = ring): Promise<{ verdicts: string[]; signatures: number; linked: number }> {
  const stats = { signatures: 0, linked: 0, linkedByStore: 0 };
  const verdicts: string[] = [];
  for (let i = 0; i < msgs.length; i += size) {
    const v = await verifyPending(msgs.slice(i, i + size), { ring: r, store, chain: true, tailOf: () => 0, stats }, msgs.slice(i + size, i + 2 * size));
    // verdicts come back as records then rejections; map them back to the batch's order by record id / raw text
    const byRaw = new Map<string, string>();
    for (const rec of v.records) byRaw.set(rec.compact, 'ok');
    for (const rj of v.rejections) byRaw.set(rj.raw, rj.reason);
    for (const m of msgs.slice(i, i + size)) verdicts.push(byRaw.get(String(m.payload))!);
  }
  return { verdicts, signatures: stats.signatures, linked: stats.linked };
}

function forge(m: Incoming): Incoming {
  const [h, p, sig] = String(m.payload).split('.') as [string, string, string];
  const obj = JSON.parse(Buffer.from(p, 'base64url').toString()) as { rawCounts: string };
  obj.rawCounts = `${obj.rawCounts}0`;
  return { ...m, payload: `${h}.${Buffer.from(JSON.stringify(obj)).toString('base64url')}.${sig}` };
}

test('a backlog of two devices in batches of 4: one signature per device run instead of one per device and batch', async () => {
  const ra = run(a, 10);
  const rb = run(b, 10);
  const mixed = ra.flatMap((m, i) => [m, rb[i]!]);
  const r = await inBatches(fresh(mixed), 4);
  assert.equal(r.verdicts, mixed.map(alone));
  assert.ok(r.verdicts.every((v) => v === 'ok'));
  // Each batch sees the next one's messages; a signature checked while looking ahead is kept for the message's own
  // batch: seq 4 (batch 1), 6 (2), 8 (3), 10 (4) of each device, none twice.
  const without = { signatures: 0, linked: 0, linkedByStore: 0 };
  for (let i = 0; i < mixed.length; i += 4) await verifyPending(fresh(mixed).slice(i, i + 4), { ring, store, chain: true, tailOf: () => 0, stats: without });
  assert.equal(without.signatures, 10, 'without look-ahead: one per device and batch (5 batches x 2 devices)');
  assert.equal(r.signatures, 8, 'with: batches 1-4 sign seq 4, 6, 8, 10 of each device; batch 5 needs none');
  assert.equal(r.linked, 18, 'all but seq 10 of each device decided by a successor');
  // The whole backlog looked ahead at once (a batch of 10, the rest behind it): one signature per device in all.
  assert.equal((await inBatches(fresh(mixed), 10)).signatures, 2);
});

test('forged records in the look-ahead vouch for nothing; each is refused in its own batch with its reason', async () => {
  const ra = run(a, 6);
  const stranger = newIdentity('gw-la', 'ES256');
  const p4 = JSON.parse(Buffer.from(String(ra[3]!.payload).split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
  const foreign = { ...ra[3]!, payload: signCompact({ ...p4, kid: stranger.kid }, deviceKeyFromPrivate(stranger.privateKey)) };
  const cases: [string, Incoming[]][] = [
    ['altered successor (bad signature), then its genuine successor', [...ra.slice(0, 3), forge(ra[3]!), ...ra.slice(4)]],
    ['successor signed by a stranger carrying the right prev', [...ra.slice(0, 3), foreign, ...ra.slice(4)]],
    ['forged newest record', [...ra.slice(0, 5), forge(ra[5]!)]],
  ];
  for (const [what, msgs] of cases) {
    const r = await inBatches(fresh(msgs), 3);
    assert.equal(r.verdicts, msgs.map(alone), what);
    assert.ok(r.verdicts.slice(0, 3).every((v) => v === 'ok'), `${what}: the batch's own records stand`);
    assert.ok(r.verdicts.some((v) => v !== 'ok'), `${what}: the forgery is refused`);
  }
});

test('every single-character change in the look-ahead: the same verdicts as verifying each message alone', async () => {
  const ra = run(a, 4);
  let cases = 0;
  for (let k = 2; k < ra.length; k++) {
    const text = String(ra[k]!.payload);
    for (let pos = 0; pos < text.length; pos += 23) {
      const c = text[pos]!;
      if (c === '.') continue;
      const msgs = ra.map((m, i) => (i === k ? { ...m, payload: text.slice(0, pos) + (c === 'A' ? 'B' : 'A') + text.slice(pos + 1) } : m));
      const r = await inBatches(fresh(msgs), 2);
      assert.equal(r.verdicts, msgs.map(alone), `record ${k}, position ${pos}`);
      assert.is.not(r.verdicts[k], 'ok');
      cases++;
    }
  }
  assert.ok(cases > 80, `${cases} cases`);
});

test('a signature kept from a look-ahead holds only for the ring it was checked with', async () => {
  const ra = fresh(run(a, 4));
  const stats = { signatures: 0, linked: 0, linkedByStore: 0 };
  await verifyPending(ra.slice(0, 2), { ring, store, chain: true, tailOf: () => 0, stats }, ra.slice(2));
  assert.equal(stats.signatures, 1, 'seq 4 checked while looking ahead');
  const reloaded = KeyRing.from(rows.filter((r) => r.device !== a.device)); // the device's key withdrawn meanwhile
  const v = await verifyPending(ra.slice(2), { ring: reloaded, store, chain: true, tailOf: () => 0, stats });
  assert.equal(v.rejections.map((r) => r.reason), ['unknown-key', 'unknown-key']);
  const again = await verifyPending(ra.slice(2), { ring, store, chain: true, tailOf: () => 0, stats });
  assert.equal(again.records.length, 2);
  assert.equal(stats.signatures, 2, 'checked again with the ring in use');
});

test.run();
