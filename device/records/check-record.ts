// The rules one signed record must pass, whoever checks it: `amsgate verify` (verify-records.ts) and the head-end
// collector (host-cli/collector/verify-message.ts) both call checkRecord, so they accept and refuse the same records
// for the same reasons. Chain rules (seq, prev) need neighbours and stay with each caller.
import type { KeyObject } from 'node:crypto';
import { SignatureError } from '../signing/errors.js';
import { checkHeader, parseCompact, recordHash, recordHashOfBytes, verifyParsed, verifyParsedAsync, type ParsedJws } from '../signing/jws.js';
import { expectedRecordId } from './record-chain.js';
import { checkPayload } from './record-shape.js';
import type { SignedRecordPayload } from './record-types.js';

/** Largest compact string accepted (a record is about 1.2 KB). */
export const MAX_RECORD_CHARS = 64 * 1024;

export type RecordRuleFailure =
  | 'malformed'
  | 'payload-not-json'
  | 'invalid-payload'
  | 'id-mismatch'
  | 'unsupported-alg'
  | 'kid-mismatch'
  | 'unknown-kid'
  | 'key-not-valid'
  | 'bad-signature';

/** What the caller's registry says about the record's kid: a key, or why there is none it may use. */
export type KeyLookup = { key: KeyObject } | { refuse: 'unknown-kid' | 'key-not-valid' | 'unsupported-alg'; why: string };

export interface CheckedRecord {
  ok: true;
  payload: SignedRecordPayload;
  /** recordHash(compact): the next record's prev. */
  hash: string;
  compact: string;
  /** False when the caller asked to skip the signature (it authenticates the record another way: chain-auth.ts). */
  signatureChecked: boolean;
  /** When the signature was skipped: what checkSignature needs to verify it later without parsing again. */
  unsigned?: { parsed: ParsedJws; key: KeyObject };
}

export interface RefusedRecord {
  ok: false;
  code: RecordRuleFailure;
  reason: string;
  /** The payload when it parsed and had the right shape (for the caller's chain bookkeeping and messages). */
  payload?: SignedRecordPayload;
  parsed?: ParsedJws;
}

export interface CheckOptions {
  /** Skip only the signature verification; every other rule still applies. */
  skipSignature?: boolean;
  /** `raw` as bytes, when the caller has them (hashed as they are instead of encoding `raw` again). */
  bytes?: Buffer;
}

function signatureRefusal(e: unknown, parsed: ParsedJws, payload: SignedRecordPayload): RefusedRecord {
  if (!(e instanceof SignatureError)) throw e;
  return { ok: false, code: e.reason === 'malformed' ? 'malformed' : e.reason, reason: e.message, payload, parsed };
}

/** The last rule, the signature, on its own (checkRecord's final step; chain-auth.ts calls it later for some). */
export function checkSignature(parsed: ParsedJws, key: KeyObject, payload: SignedRecordPayload): RefusedRecord | null {
  try {
    verifyParsed(parsed, key);
    return null;
  } catch (e) {
    return signatureRefusal(e, parsed, payload);
  }
}

/** checkSignature with the maths on the thread pool: the same verdicts. */
export async function checkSignatureAsync(parsed: ParsedJws, key: KeyObject, payload: SignedRecordPayload): Promise<RefusedRecord | null> {
  try {
    await verifyParsedAsync(parsed, key);
    return null;
  } catch (e) {
    return signatureRefusal(e, parsed, payload);
  }
}

/**
 * Checks, in this order: size and JWS syntax (strict base64url, header object with alg and kid), payload JSON, the
 * payload's shape and cross-field rules (record-shape.ts: energyKwh = energyWh / 1000, end - start = resolution),
 * the id derived from its fields, alg ES256/EdDSA and no `crit`, header kid = payload kid, the key (lookup), and the
 * signature. The first failure decides.
 */
export function checkRecord(raw: string, lookup: (kid: string, payload: SignedRecordPayload) => KeyLookup, o: CheckOptions = {}): CheckedRecord | RefusedRecord {
  if (raw.length > MAX_RECORD_CHARS) return { ok: false, code: 'malformed', reason: `record is ${raw.length} characters; a signed record is at most ${MAX_RECORD_CHARS}` };
  let parsed: ParsedJws;
  try {
    parsed = parseCompact(raw);
  } catch (e) {
    if (!(e instanceof SignatureError)) throw e;
    const notJson = e.context.part === 'payload';
    return { ok: false, code: notJson ? 'payload-not-json' : 'malformed', reason: e.message };
  }
  const shape = checkPayload(parsed.payload);
  if (!shape.ok) return { ok: false, code: 'invalid-payload', reason: shape.error, parsed };
  const p = shape.value;
  let expected: string;
  try {
    expected = expectedRecordId(p);
  } catch (e) {
    return { ok: false, code: 'invalid-payload', reason: (e as Error).message, parsed };
  }
  if (p.id !== expected) return { ok: false, code: 'id-mismatch', reason: `id "${p.id}" does not follow from the record's fields; expected "${expected}"`, payload: p, parsed };
  try {
    checkHeader(parsed);
  } catch (e) {
    return { ok: false, code: (e as SignatureError).reason as 'unsupported-alg', reason: (e as Error).message, payload: p, parsed };
  }
  if (parsed.header.kid !== p.kid) return { ok: false, code: 'kid-mismatch', reason: `header kid "${parsed.header.kid}" differs from payload kid "${p.kid}"`, payload: p, parsed };
  const k = lookup(p.kid, p);
  if ('refuse' in k) return { ok: false, code: k.refuse, reason: k.why, payload: p, parsed };
  if (!o.skipSignature) {
    const bad = checkSignature(parsed, k.key, p);
    if (bad) return bad;
  }
  // The compact string is ASCII (strict base64url and dots), so untrimmed bytes are the very bytes recordHash covers.
  const hash = o.bytes && parsed.compact.length === o.bytes.length ? recordHashOfBytes(o.bytes) : recordHash(parsed.compact);
  const done: CheckedRecord = { ok: true, payload: p, hash, compact: parsed.compact, signatureChecked: !o.skipSignature };
  if (o.skipSignature) done.unsigned = { parsed, key: k.key };
  return done;
}
