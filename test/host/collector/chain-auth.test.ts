// Batch verification through the hash chain: one signature per contiguous run, and never a different verdict from
// verifying every record on its own (a forged middle record is still refused, with its reason).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deviceKeyFromPrivate } from '../../../device/signing/device-key.js';
import { signCompact } from '../../../device/signing/jws.js';
import { precheck, successorKeys, verifyBatchWithChain, verifyBatchWithChainAsync, type Incoming } from '../../../host-cli/collector/chain-auth.js';
import { KeyRing } from '../../../host-cli/collector/key-ring.js';
import { newIdentity, SimDevice } from '../../../host-cli/collector/sim-device.js';
import { seqKey, type StoredLink } from '../../../host-cli/collector/store-types.js';
import { verifyMessage } from '../../../host-cli/collector/verify-message.js';

const T = Date.parse('2026-06-01T00:00:00Z');
const a = newIdentity('gw-ca', 'ES256');
const b = newIdentity('gw-cb', 'EdDSA');
const ring = KeyRing.from([a, b].map((i) => ({ device: i.device, kid: i.kid, alg: i.alg, jwk: i.publicJwk, validFrom: 0, validTo: null, source: 'test', addedAt: 0 })));

function run(id: typeof a, n: number): { topic: string; payload: string; receivedAt: number }[] {
  const d = new SimDevice(id);
  return Array.from({ length: n }, (_, i) => ({ topic: `amsgate/v1/${id.device}/interval`, payload: d.interval({ start: T + i * 1_800_000, energyWh: 100 + i }).compact, receivedAt: T }));
}

const one = (m: Incoming): string => {
  const v = verifyMessage(m.topic, m.payload, ring, m.receivedAt);
  return v.ok ? 'ok' : v.rejection.reason;
};
const chained = (batch: Incoming[]): string[] => verifyBatchWithChain(batch, ring).verdicts.map((v) => (v.ok ? 'ok' : v.rejection.reason));

test('a contiguous run of 10 costs one signature; two devices interleaved, one each', () => {
  const ra = run(a, 10);
  const rb = run(b, 10);
  const mixed = ra.flatMap((m, i) => [m, rb[i]!]).reverse(); // arrival order does not matter
  const r = verifyBatchWithChain(mixed, ring);
  assert.ok(r.verdicts.every((v) => v.ok));
  assert.equal(r.stats, { signatures: 2, linked: 18, linkedByStore: 0 });
  const gap = verifyBatchWithChain([...ra.slice(0, 4), ...ra.slice(5)], ring);
  assert.equal(gap.stats, { signatures: 2, linked: 7, linkedByStore: 0 }, 'a missing record splits the run');
  assert.equal(verifyBatchWithChain(ra, ring, false).stats, { signatures: 10, linked: 0, linkedByStore: 0 }, '--no-chain-auth');
});

test('a forged middle record is refused with its reason, and the records before it are verified by their own signatures', () => {
  const ra = run(a, 6);
  const [h, p] = ra[3]!.payload.split('.') as [string, string];
  const obj = JSON.parse(Buffer.from(p, 'base64url').toString()) as { energyWh: number; energyKwh: string };
  obj.energyWh += 1000;
  obj.energyKwh = `${Number(obj.energyKwh.split('.')[0]) + 1}.${obj.energyKwh.split('.')[1]}`;
  const forged = { ...ra[3]!, payload: `${h}.${Buffer.from(JSON.stringify(obj)).toString('base64url')}.${ra[3]!.payload.split('.')[2]}` };
  const batch = [...ra.slice(0, 3), forged, ...ra.slice(4)];
  const r = verifyBatchWithChain(batch, ring);
  assert.equal(chained(batch), ['ok', 'ok', 'ok', 'bad-signature', 'ok', 'ok']);
  assert.equal(chained(batch), batch.map(one));
  // seq 6 signed, 5 linked; the forgery verified and refused; 3 signed (its successor is not authentic), 2 and 1 linked.
  assert.equal(r.stats, { signatures: 3, linked: 3, linkedByStore: 0 });
  // A valid signature from another key on an otherwise identical record does not link either.
  const stranger = newIdentity('gw-ca', 'ES256');
  const p3 = JSON.parse(Buffer.from(ra[2]!.payload.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
  const foreign = { ...ra[2]!, payload: signCompact({ ...p3, kid: stranger.kid }, deviceKeyFromPrivate(stranger.privateKey)) };
  const b2 = [...ra.slice(0, 2), foreign, ...ra.slice(3)];
  assert.equal(chained(b2), b2.map(one));
  assert.equal(chained(b2)[2], 'unknown-key');
});

test('every single-character change anywhere in a run gives the same verdicts as one-by-one verification', () => {
  const ra = run(a, 4);
  let cases = 0;
  for (let k = 0; k < ra.length; k++) {
    const text = ra[k]!.payload;
    for (let pos = 0; pos < text.length; pos += 7) {
      const c = text[pos]!;
      if (c === '.') continue;
      const batch = ra.map((m, i) => (i === k ? { ...m, payload: text.slice(0, pos) + (c === 'A' ? 'B' : 'A') + text.slice(pos + 1) } : m));
      assert.equal(chained(batch), batch.map(one), `record ${k}, position ${pos}`);
      assert.is.not(chained(batch)[k], 'ok', `changed record ${k} at ${pos} must be refused`);
      cases++;
    }
  }
  assert.ok(cases > 500);
});

test('every other rule still applies to a linked record: a key window closed before it was created', () => {
  const ra = run(b, 3);
  const closed = KeyRing.from([{ device: b.device, kid: b.kid, alg: b.alg, jwk: b.publicJwk, validFrom: 0, validTo: T + 1_800_000 + 10_000, source: 'test', addedAt: 0 }]);
  // created = period end + 5 s: seq 1 inside the window, seqs 2 and 3 after it.
  assert.equal(verifyBatchWithChain(ra, closed).verdicts.map((v) => (v.ok ? 'ok' : v.rejection.reason)), ['ok', 'key-not-valid', 'key-not-valid']);
});

/** What the store would hold for these (already stored, so authenticated) records: prev and kid by seqKey. */
function storedOf(msgs: Incoming[]): Map<string, StoredLink> {
  const m = new Map<string, StoredLink>();
  for (const x of msgs) {
    const v = verifyMessage(x.topic, x.payload, ring, x.receivedAt);
    if (v.ok) m.set(seqKey(v.record.device, v.record.seq), { prev: v.record.prev, kid: v.record.kid });
  }
  return m;
}

test('a stored successor vouches: a resent run whose successor is stored costs no signature, same verdicts', () => {
  const ra = run(a, 8);
  const resent = ra.slice(2, 6); // seqs 3..6; seq 7 is stored
  const pre = precheck(resent, ring);
  assert.equal(successorKeys(pre, () => true), [{ device: a.device, seq: 7 }], 'only the run head has its successor outside the batch');
  assert.equal(successorKeys(pre, (_d, seq) => seq < 6), [], 'nothing asked at or above the announced tail');
  const r = verifyBatchWithChain(resent, ring, true, storedOf(ra.slice(6)), pre);
  assert.equal(r.stats, { signatures: 0, linked: 4, linkedByStore: 1 });
  assert.equal(r.verdicts.map((v) => (v.ok ? 'ok' : v.rejection.reason)), resent.map(one));
  assert.equal(resent.map(one), ['ok', 'ok', 'ok', 'ok']);
});

test('a stored successor vouches only for the record it links to: a forgery at its predecessor seq is refused as alone', () => {
  const ra = run(a, 4);
  const [h, p] = ra[2]!.payload.split('.') as [string, string];
  const obj = JSON.parse(Buffer.from(p, 'base64url').toString()) as { energyWh: number; energyKwh: string };
  obj.energyWh += 1000;
  obj.energyKwh = `${Number(obj.energyKwh.split('.')[0]) + 1}.${obj.energyKwh.split('.')[1]}`;
  const forged = { ...ra[2]!, payload: `${h}.${Buffer.from(JSON.stringify(obj)).toString('base64url')}.${ra[2]!.payload.split('.')[2]}` };
  const stored = storedOf([ra[3]!]);
  const r = verifyBatchWithChain([forged], ring, true, stored);
  assert.equal(r.verdicts.map((v) => (v.ok ? 'ok' : v.rejection.reason)), ['bad-signature']);
  assert.equal(r.stats, { signatures: 1, linked: 0, linkedByStore: 0 });
  // A stored record that links to it under another kid does not vouch either (the key must be the same).
  const other = new Map([[seqKey(a.device, 4), { prev: stored.get(seqKey(a.device, 4))!.prev, kid: b.kid }]]);
  assert.equal(verifyBatchWithChain([ra[2]!], ring, true, other).stats, { signatures: 1, linked: 0, linkedByStore: 0 });
  // A stored predecessor proves nothing about a new record: seq 4 alone, its seq 3 stored, is verified by its own signature.
  assert.equal(verifyBatchWithChain([ra[3]!], ring, true, storedOf([ra[2]!])).stats, { signatures: 1, linked: 0, linkedByStore: 0 });
});

test('the thread-pool variant gives the same verdicts and counts, forged records included (three passes here)', async () => {
  const ra = run(a, 6);
  const rb = run(b, 4);
  const forge = (m: Incoming): Incoming => {
    const [h, p, sig] = String(m.payload).split('.') as [string, string, string];
    const obj = JSON.parse(Buffer.from(p, 'base64url').toString()) as { rawCounts: string };
    obj.rawCounts = `${obj.rawCounts}0`;
    return { ...m, payload: `${h}.${Buffer.from(JSON.stringify(obj)).toString('base64url')}.${sig}` };
  };
  const cases: [string, Incoming[], ReturnType<typeof storedOf> | undefined][] = [
    ['two runs interleaved', ra.flatMap((m, i) => [m, ...(rb[i] ? [rb[i]!] : [])]), undefined],
    ['newest and a middle record forged', [...ra.slice(0, 2), forge(ra[2]!), ...ra.slice(3, 5), forge(ra[5]!)], undefined],
    ['resent run, successor stored', ra.slice(1, 4), storedOf(ra.slice(4))],
  ];
  for (const [what, batch, stored] of cases) {
    const sync = verifyBatchWithChain(batch, ring, true, stored);
    const pooled = await verifyBatchWithChainAsync(batch, ring, true, stored);
    assert.equal(pooled, sync, what);
    assert.equal(pooled.verdicts.map((v) => (v.ok ? 'ok' : v.rejection.reason)), batch.map(one), what);
  }
  const forged = cases[1]![1];
  assert.equal(verifyBatchWithChain(forged, ring).stats, { signatures: 4, linked: 2, linkedByStore: 0 }, 'seq 6 refused, 5 signed, 4 linked, 3 refused, 2 signed, 1 linked');
  assert.equal(await verifyBatchWithChainAsync(ra, ring, false), verifyBatchWithChain(ra, ring, false), '--no-chain-auth');
});

test.run();
