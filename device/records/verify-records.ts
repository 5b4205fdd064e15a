// Offline verification of a stream of signed records: each signature, the key id, the id scheme, and
// per device the sequence (+1) and hash chain (prev = hash of the previous compact) within the stream.
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { SignatureError } from '../signing/errors.js';
import { decodeCompactUnverified, recordHash, verifyCompact } from '../signing/jws.js';
import { expectedRecordId } from './record-chain.js';
import type { SignedRecordPayload } from './record-types.js';

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

function payloadProblem(p: unknown): string | null {
  if (!p || typeof p !== 'object' || Array.isArray(p)) return 'payload is not a JSON object';
  const r = p as Record<string, unknown>;
  if (r.v !== 1) return `v is ${JSON.stringify(r.v)}; expected 1`;
  for (const f of ['id', 'dev', 'prev', 'kid', 'created'] as const) {
    if (typeof r[f] !== 'string') return `${f} is missing or not a string`;
  }
  if (!Number.isSafeInteger(r.seq) || (r.seq as number) < 1) return 'seq is not a positive integer';
  if (r.type === 'interval') {
    const m = r.meter as Record<string, unknown> | undefined;
    const per = r.period as Record<string, unknown> | undefined;
    if (!m || typeof m.id !== 'string') return 'meter.id is missing';
    if (!per || typeof per.start !== 'string' || typeof per.resolution !== 'string') return 'period.start/resolution missing';
    if (r.channel !== 'import' && r.channel !== 'export') return 'channel is not import or export';
    if (!Number.isSafeInteger(r.revision) || (r.revision as number) < 0) return 'revision is not a non-negative integer';
    if (!Number.isSafeInteger(r.energyWh)) return 'energyWh is not an integer';
  } else if (r.type !== 'alarm') {
    return `type is ${JSON.stringify(r.type)}; expected "interval" or "alarm"`;
  }
  return null;
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

  compacts.forEach((raw, index) => {
    const compact = raw.trim();
    const fail = (code: RecordFailure, why: string, extra: Partial<RecordCheck> = {}): void => {
      results.push({ index, ...extra, ok: false, code, reason: `${code}: ${why}` });
    };
    let header: { alg: string; kid: string };
    let payload: unknown;
    try {
      ({ header, payload } = decodeCompactUnverified(compact));
    } catch (err) {
      fail(err instanceof SignatureError ? err.reason : 'malformed', (err as Error).message);
      return;
    }
    const p = payload as SignedRecordPayload;
    const ident: Partial<RecordCheck> = {
      id: typeof p?.id === 'string' ? p.id : undefined,
      seq: typeof p?.seq === 'number' ? p.seq : undefined,
    };
    const problems: [RecordFailure, string][] = [];

    const key = keys.get(header.kid);
    if (!key) {
      problems.push(['unknown-kid', `no public key with kid ${header.kid}; pass the device's key with --key`]);
    } else {
      try {
        verifyCompact(compact, key);
      } catch (err) {
        if (err instanceof SignatureError) problems.push([err.reason, err.message]);
        else throw err;
      }
    }
    const bad = payloadProblem(payload);
    if (bad) {
      problems.push(['invalid-payload', bad]);
    } else {
      if (p.kid !== header.kid) problems.push(['kid-mismatch', `payload kid ${p.kid} differs from header kid ${header.kid}`]);
      let expected: string | null = null;
      try {
        expected = expectedRecordId(p);
      } catch (err) {
        problems.push(['invalid-payload', (err as Error).message]);
      }
      if (expected !== null && expected !== p.id) problems.push(['id-mismatch', `id is ${p.id}; its fields give ${expected}`]);
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
