// Replay and hash-chain rules, written once for both backends. Runs inside the store's transaction.
//
// - same id, same content (hash)      -> duplicate: counted, not stored again
// - same id, different content        -> 'replay-conflict'
// - (device, seq) held by another id  -> 'chain-fork'
// - seq 1 with a non-empty prev       -> 'chain-broken'
// - predecessor stored, hash != prev  -> 'chain-broken'
// - successor stored, its prev != our hash -> 'chain-broken'
// A missing neighbour is not an error (records can arrive out of order across collectors): gaps are reported by
// chainReport() instead.
import type { IngestResult, IngestTx, Rejection, VerifiedRecord } from './store-types.js';
import { seqKey } from './store-types.js';

function reject(r: VerifiedRecord, topic: string, reason: Rejection['reason'], detail: string): Rejection {
  return { receivedAt: r.receivedAt, topic, device: r.device, recordId: r.id, reason, detail, raw: r.compact.slice(0, 4096) };
}

const topicOf = (r: VerifiedRecord): string => `amsgate/v1/${r.device}/${r.type}`;

export async function applyIngestRules(tx: IngestTx, records: VerifiedRecord[], rejections: Rejection[]): Promise<IngestResult> {
  const out: Rejection[] = [...rejections];
  let duplicates = 0;
  if (records.length === 0) {
    if (out.length) await tx.insertRejections(out);
    return { accepted: 0, duplicates: 0, rejections: out };
  }
  const storedById = await tx.byIds([...new Set(records.map((r) => r.id))]);
  // Each record's own seq and both neighbours, once each (a contiguous run shares its neighbours).
  const seqs: { device: string; seq: number }[] = [];
  const asked = new Set<string>();
  for (const r of records) {
    for (const s of [r.seq - 1, r.seq, r.seq + 1]) {
      const k = seqKey(r.device, s);
      if (s >= 1 && !asked.has(k)) {
        asked.add(k);
        seqs.push({ device: r.device, seq: s });
      }
    }
  }
  const storedBySeq = await tx.bySeqs(seqs);

  const batchById = new Map<string, VerifiedRecord>();
  const batchBySeq = new Map<string, VerifiedRecord>();
  const accepted: VerifiedRecord[] = [];
  for (const r of records) {
    const known = storedById.get(r.id) ?? batchById.get(r.id);
    if (known) {
      if (known.hash === r.hash) duplicates++;
      else out.push(reject(r, topicOf(r), 'replay-conflict', `record id "${r.id}" is already stored with different content`));
      continue;
    }
    const k = seqKey(r.device, r.seq);
    const same = storedBySeq.get(k) ?? batchBySeq.get(k);
    // The id look-up and the seq look-up are separate statements: another collector may commit this very record
    // between them (READ COMMITTED). The same record under its own seq is a duplicate, not a fork.
    if (same && same.id === r.id && same.hash === r.hash) {
      duplicates++;
      continue;
    }
    if (same) {
      out.push(reject(r, topicOf(r), 'chain-fork', `device ${r.device} seq ${r.seq} is already held by record "${same.id}"`));
      continue;
    }
    if (r.seq === 1 && r.prev !== '') {
      out.push(reject(r, topicOf(r), 'chain-broken', 'seq 1 must have prev "" (start of the chain)'));
      continue;
    }
    const pred = storedBySeq.get(seqKey(r.device, r.seq - 1)) ?? batchBySeq.get(seqKey(r.device, r.seq - 1));
    if (pred && pred.hash !== r.prev) {
      out.push(reject(r, topicOf(r), 'chain-broken', `prev ${r.prev || '""'} does not match the hash ${pred.hash} of stored seq ${r.seq - 1}`));
      continue;
    }
    const succ = storedBySeq.get(seqKey(r.device, r.seq + 1)) ?? batchBySeq.get(seqKey(r.device, r.seq + 1));
    if (succ && succ.prev !== r.hash) {
      out.push(reject(r, topicOf(r), 'chain-broken', `stored seq ${r.seq + 1} links to ${succ.prev}, not to this record's hash ${r.hash}`));
      continue;
    }
    batchById.set(r.id, r);
    batchBySeq.set(k, r);
    accepted.push(r);
  }

  const inserted = await tx.insertRecords(accepted);
  const lost = accepted.filter((r) => !inserted.has(r.id));
  if (lost.length > 0) {
    // Another collector stored a clashing row between our read and our insert: decide again against it.
    const now = await tx.byIds(lost.map((r) => r.id));
    for (const r of lost) {
      const s = now.get(r.id);
      if (s && s.hash === r.hash) duplicates++;
      else if (s) out.push(reject(r, topicOf(r), 'replay-conflict', `record id "${r.id}" was stored with different content by another collector`));
      else out.push(reject(r, topicOf(r), 'chain-fork', `device ${r.device} seq ${r.seq} was taken by another record`));
    }
  }
  if (out.length) await tx.insertRejections(out);
  if (duplicates) await tx.addCounter('duplicates', duplicates);
  return { accepted: inserted.size, duplicates, rejections: out };
}
