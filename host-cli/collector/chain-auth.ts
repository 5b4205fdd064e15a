// Verifying a batch with the hash chain: of a contiguous run of one device's records (seq n, n+1, ..., m, each `prev`
// the hash of the one before, one kid), only the newest record's signature is verified; each earlier record is
// authenticated by the hash its successor carries. The successor may also be a record already in the store (every
// stored record was authenticated before it was stored): a resent or late record whose successor is stored costs no
// signature. Every other rule (check-record.ts) is applied to every record.
//
// What this proves (docs/collector.md "Faster verification"): record m's signature proves that the key holder signed
// m, hence m.prev; SHA-256 being collision resistant, the record whose hash is m.prev is byte for byte the record
// the key holder had sealed before m, and so on down the run. Each stored record is thus exactly what the gateway
// sealed, as with its own signature checked. What it does not check is that record's own signature bytes: a gateway
// that sealed a record with a broken signature would have it stored; a third party verifying it alone would refuse
// it. A forged or altered record breaks the run (its hash is not its successor's prev), so it is verified on its own
// and refused with its reason, exactly as without this shortcut. Only a successor vouches: a record whose `prev` is
// the hash of a stored predecessor proves nothing (that hash is public), so it is never taken as authentic for it.
import type { KeyRing } from './key-ring.js';
import { seqKey, type Rejection, type StoredLink, type VerifiedRecord } from './store-types.js';
import { confirmSignature, confirmSignatureAsync, verifyMessage, type Verdict } from './verify-message.js';

export interface Incoming {
  topic: string;
  payload: Buffer | string;
  receivedAt: number;
  /**
   * What was found out about this message while it was looked ahead at (not yet in a batch), kept for its own batch:
   * its record rules and, once checked, its signature, each valid for the key ring they were checked with.
   */
  memo?: { ring: KeyRing; pre: Verdict; signed?: Verdict };
}

export interface ChainAuthStats {
  /** Signatures verified. */
  signatures: number;
  /** Records authenticated by their successor's hash link instead (in the batch, or stored). */
  linked: number;
  /** Of `linked`, those whose successor was a stored record. */
  linkedByStore: number;
}

/** Every rule but the signature, per message. */
export function precheck(batch: Incoming[], ring: KeyRing): Verdict[] {
  return batch.map((m) => verifyMessage(m.topic, m.payload, ring, m.receivedAt, { skipSignature: true }));
}

const PRECHECK_SLICE = 500;

/**
 * precheck, giving the event loop a turn after each 500 messages: the previous batch's transaction, whose statements
 * each need this thread for a moment, goes on meanwhile instead of waiting for the whole batch (about a second).
 */
export async function precheckYielding(batch: Incoming[], ring: KeyRing): Promise<Verdict[]> {
  const out: Verdict[] = [];
  for (let i = 0; i < batch.length; i += PRECHECK_SLICE) {
    if (i > 0) await new Promise<void>((r) => setImmediate(r));
    for (const m of batch.slice(i, i + PRECHECK_SLICE)) {
      if (m.memo?.ring === ring) {
        out.push(m.memo.pre);
        continue;
      }
      const pre = verifyMessage(m.topic, m.payload, ring, m.receivedAt, { skipSignature: true });
      m.memo = { ring, pre };
      out.push(pre);
    }
  }
  return out;
}

/**
 * The (device, seq + 1) a stored successor would sit at, for each passing record whose successor is not in the batch
 * and for which `worth(device, seq)` says one may exist (the collector asks only below the gateway's announced tail).
 */
export function successorKeys(verdicts: Verdict[], worth: (device: string, seq: number) => boolean): { device: string; seq: number }[] {
  const inBatch = new Set<string>();
  for (const v of verdicts) if (v.ok) inBatch.add(seqKey(v.record.device, v.record.seq));
  const out: { device: string; seq: number }[] = [];
  const asked = new Set<string>();
  for (const v of verdicts) {
    if (!v.ok) continue;
    const k = seqKey(v.record.device, v.record.seq + 1);
    if (inBatch.has(k) || asked.has(k) || !worth(v.record.device, v.record.seq)) continue;
    asked.add(k);
    out.push({ device: v.record.device, seq: v.record.seq + 1 });
  }
  return out;
}

type Runs = Map<string, Map<number, number[]>>;

/** device -> seq -> indexes of the passing candidates (a redelivery or a fork can put two at one seq). */
function runsOf(verdicts: Verdict[]): Runs {
  const byDevice: Runs = new Map();
  verdicts.forEach((v, i) => {
    if (!v.ok) return;
    let m = byDevice.get(v.record.device);
    if (!m) byDevice.set(v.record.device, (m = new Map()));
    const l = m.get(v.record.seq);
    if (l) l.push(i);
    else m.set(v.record.seq, [i]);
  });
  return byDevice;
}

/**
 * One pass over every device's records, newest first (a record's successor is decided before the record). A record
 * no authentic successor vouches for needs its own signature: its verdict comes from `checked`, or, not checked yet,
 * it is listed in `need` and taken as authentic for this pass. Taking more records as authentic can only vouch for
 * more, so every record in `need` is one whose signature the final verdicts need as well; the callers check them and
 * pass again until nothing is needed, and end with the verdicts of checking one signature at a time newest first.
 */
function chainPass(pre: Verdict[], runs: Runs, stored: Map<string, StoredLink> | undefined, checked: Map<number, Verdict>): { verdicts: Verdict[]; need: number[]; via: Uint8Array } {
  const verdicts = [...pre];
  const need: number[] = [];
  /** Per index: 1 authenticated by a successor in the batch, 2 by a stored one. */
  const via = new Uint8Array(pre.length);
  const authentic = new Set<number>();
  for (const [device, seqs] of runs) {
    for (const seq of [...seqs.keys()].sort((x, y) => y - x)) {
      const next = seqs.get(seq + 1) ?? [];
      for (const i of seqs.get(seq)!) {
        const r = (pre[i] as { record: VerifiedRecord }).record;
        const vouched = next.some((j) => {
          if (!authentic.has(j)) return false;
          const s = (pre[j] as { record: VerifiedRecord }).record;
          return s.prev === r.hash && s.kid === r.kid;
        });
        const st = vouched ? undefined : stored?.get(seqKey(device, seq + 1));
        if (vouched || (st && st.prev === r.hash && st.kid === r.kid)) {
          authentic.add(i);
          via[i] = vouched ? 1 : 2;
          continue;
        }
        const full = checked.get(i);
        if (!full) need.push(i);
        else verdicts[i] = full;
        if (!full || full.ok) authentic.add(i);
      }
    }
  }
  return { verdicts, need, via };
}

/** How the first `only` verdicts were authenticated by a link (the rest are looked ahead at, not decided). */
function linkCounts(via: Uint8Array, only: number): { linked: number; linkedByStore: number } {
  let linked = 0;
  let linkedByStore = 0;
  for (let i = 0; i < only; i++) {
    if (via[i]) linked++;
    if (via[i] === 2) linkedByStore++;
  }
  return { linked, linkedByStore };
}

export interface ChainVerdicts {
  verdicts: Verdict[];
  stats: ChainAuthStats;
}

/**
 * Verdicts in the order of `batch`; `stats` counts how each accepted record was authenticated. `stored` holds
 * stored records by seqKey(device, seq) (StoredLink: their prev and kid), looked up with successorKeys.
 */
export function verifyBatchWithChain(batch: Incoming[], ring: KeyRing, chain = true, stored?: Map<string, StoredLink>, pre?: Verdict[]): ChainVerdicts {
  if (!chain) return { verdicts: batch.map((m) => verifyMessage(m.topic, m.payload, ring, m.receivedAt)), stats: { signatures: batch.length, linked: 0, linkedByStore: 0 } };
  const first = pre ?? precheck(batch, ring);
  const runs = runsOf(first);
  const checked = new Map<number, Verdict>();
  for (;;) {
    const p = chainPass(first, runs, stored, checked);
    if (p.need.length === 0) return { verdicts: p.verdicts, stats: { signatures: checked.size, ...linkCounts(p.via, batch.length) } };
    for (const i of p.need) checked.set(i, confirmSignature(batch[i]!.topic, batch[i]!.payload, first[i]!));
  }
}

/**
 * verifyBatchWithChain with the signatures of each pass verified at once on the thread pool: the same result.
 *
 * Look-ahead: only the first `only` messages are decided (the batch); the rest (messages already received, queued
 * for the next batch) take part in the chain, so a batch's newest record is vouched for by its successor in the
 * queue instead of by its own signature. A signature checked for a queued message is kept in its `memo` (with the
 * ring it was checked with) and not checked again in its own batch: for a backlog, one signature per device run
 * instead of one per device and batch. The verdicts are those of checking every record alone (chain-auth.test.ts).
 */
export async function verifyBatchWithChainAsync(batch: Incoming[], ring: KeyRing, chain = true, stored?: Map<string, StoredLink>, pre?: Verdict[], only = batch.length): Promise<ChainVerdicts> {
  const first = pre ?? precheck(batch, ring);
  const confirm = (i: number): Promise<Verdict> => confirmSignatureAsync(batch[i]!.topic, batch[i]!.payload, first[i]!);
  if (!chain) return { verdicts: await Promise.all(first.slice(0, only).map((_v, i) => confirm(i))), stats: { signatures: only, linked: 0, linkedByStore: 0 } };
  const runs = runsOf(first);
  const checked = new Map<number, Verdict>();
  let signatures = 0;
  for (;;) {
    const p = chainPass(first, runs, stored, checked);
    if (p.need.length === 0) return { verdicts: p.verdicts.slice(0, only), stats: { signatures, ...linkCounts(p.via, only) } };
    const known = (i: number): Verdict | undefined => {
      const m = batch[i]!.memo;
      return m?.ring === ring && m.pre === first[i] ? m.signed : undefined;
    };
    const fresh = p.need.filter((i) => !known(i));
    const done = await Promise.all(fresh.map(confirm));
    signatures += fresh.length;
    fresh.forEach((i, k) => {
      const m = batch[i]!.memo;
      if (m?.ring === ring && m.pre === first[i]) m.signed = done[k];
      checked.set(i, done[k]!);
    });
    for (const i of p.need) if (!checked.has(i)) checked.set(i, known(i)!);
  }
}

/** The batch split into records to store and rejections; a throw (never expected) refuses the batch, not the daemon. */
export async function verifyForStore(batch: Incoming[], ring: KeyRing, chain = true, stored?: Map<string, StoredLink>, pre?: Verdict[], only = batch.length): Promise<{ records: VerifiedRecord[]; rejections: Rejection[]; unknownKey: boolean; stats: ChainAuthStats }> {
  let r: ChainVerdicts;
  try {
    r = await verifyBatchWithChainAsync(batch, ring, chain, stored, pre, only);
  } catch (e) {
    const detail = `internal error while verifying: ${(e as Error).message}`;
    r = {
      verdicts: batch.slice(0, only).map((p) => ({ ok: false, rejection: { receivedAt: p.receivedAt, topic: p.topic, device: null, recordId: null, reason: 'malformed-jws', detail, raw: p.payload.toString('utf8').slice(0, 4096) } })),
      stats: { signatures: 0, linked: 0, linkedByStore: 0 },
    };
  }
  const records: VerifiedRecord[] = [];
  const rejections: Rejection[] = [];
  for (const v of r.verdicts) {
    if (v.ok) records.push(v.record);
    else rejections.push(v.rejection);
  }
  return { records, rejections, unknownKey: rejections.some((x) => x.reason === 'unknown-key'), stats: r.stats };
}
