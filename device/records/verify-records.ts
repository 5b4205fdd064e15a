// Offline verification of a stream of signed records: each signature, the key id, the id scheme, and
// per device the sequence (+1) and hash chain (prev = hash of the previous compact) within the stream.
import { createPublicKey, KeyObject, type JsonWebKey } from 'node:crypto';
import { recordHash } from '../signing/jws.js';
import { checkRecord, type KeyLookup } from './check-record.js';

/** Stable failure codes; `reason` is "<code>: <explanation>". */
export type RecordFailure =
  | 'malformed'
  | 'unsupported-alg'
  | 'bad-signature'
  | 'unknown-kid'
  | 'kid-mismatch'
  | 'invalid-payload'
  | 'id-mismatch'
  | 'duplicate-id'
  | 'seq-replay'
  | 'seq-gap'
  | 'chain-broken';

export interface RecordCheck {
  index: number;
  id?: string;
  seq?: number;
  ok: boolean;
  reason?: string;
  code?: RecordFailure;
}

export function verifyRecordStream(
  compacts: string[],
  keys: Map<string, KeyObject | JsonWebKey>,
): { ok: boolean; results: RecordCheck[] } {
  const results: RecordCheck[] = [];
  const seenIds = new Map<string, number>();
  // Per device: the last record seen in this stream (its seq and hash), valid or not, because the
  // next record's link refers to exactly what was transmitted.
  const lastOf = new Map<string, { seq: number; hash: string; index: number }>();

  const keyObjects = new Map<string, KeyObject | null>();
  const lookup = (kid: string): KeyLookup => {
    let k = keyObjects.get(kid);
    if (k === undefined) {
      const given = keys.get(kid);
      try {
        k = given === undefined ? null : given instanceof KeyObject ? given : createPublicKey({ key: given, format: 'jwk' });
      } catch {
        k = null;
      }
      keyObjects.set(kid, k);
    }
    return k ? { key: k } : { refuse: 'unknown-kid', why: `no public key with kid ${kid}; pass the device's key with --key` };
  };

  compacts.forEach((raw, index) => {
    const compact = raw.trim();
    // The per-record rules are the collector's too (check-record.ts); the chain rules below need the stream.
    const r = checkRecord(compact, lookup);
    const p = r.payload;
    const loose = (p ?? (r.ok ? undefined : r.parsed?.payload)) as { id?: unknown; seq?: unknown; dev?: unknown; prev?: unknown } | null | undefined;
    const ident: Partial<RecordCheck> = {
      id: typeof loose?.id === 'string' ? loose.id : undefined,
      seq: typeof loose?.seq === 'number' ? loose.seq : undefined,
    };
    const problems: [RecordFailure, string][] = [];
    if (!r.ok) problems.push([r.code === 'payload-not-json' ? 'malformed' : r.code === 'key-not-valid' ? 'unknown-kid' : r.code, r.reason]);
    // The chain is followed through any record whose identity fields are readable, valid or not: the next record's
    // link refers to exactly what was transmitted.
    const chained = typeof loose?.id === 'string' && typeof loose.dev === 'string' && typeof loose.prev === 'string' && Number.isSafeInteger(loose.seq) && (loose.seq as number) >= 1
      ? (loose as { id: string; dev: string; prev: string; seq: number })
      : null;
    if (chained) {
      const p = chained;
      const last = lastOf.get(p.dev);
      if (last) {
        if (p.seq <= last.seq) problems.push(['seq-replay', `seq ${p.seq} after seq ${last.seq} (index ${last.index}); expected ${last.seq + 1}`]);
        else if (p.seq !== last.seq + 1) problems.push(['seq-gap', `seq ${p.seq} after seq ${last.seq}; ${p.seq - last.seq - 1} record(s) missing`]);
        else if (p.prev !== last.hash) problems.push(['chain-broken', `prev ${p.prev || '""'} is not the hash ${last.hash} of the record at index ${last.index}`]);
      } else if (p.seq === 1 && p.prev !== '') {
        problems.push(['chain-broken', 'seq 1 must have prev ""']);
      }
      const firstAt = seenIds.get(p.id);
      if (firstAt !== undefined) problems.push(['duplicate-id', `id ${p.id} already appeared at index ${firstAt}`]);
      else seenIds.set(p.id, index);
      // A replayed (older) record does not move the chain head: the records after it still link to the head.
      if (!last || p.seq > last.seq) lastOf.set(p.dev, { seq: p.seq, hash: recordHash(compact), index });
    }

    if (problems.length === 0) results.push({ index, ...ident, ok: true });
    else {
      const [code] = problems[0]!;
      results.push({ index, ...ident, ok: false, code, reason: problems.map(([c, why]) => `${c}: ${why}`).join('; ') });
    }
  });
  return { ok: results.every((r) => r.ok), results };
}
