// Turns one MQTT message into a verified record or a rejection with its reason. Never throws on bad input. The record
// rules are device/records/check-record.ts, the same as `amsgate verify`; only the topic and the registry's key
// windows are the collector's own.
import { checkRecord, checkSignature, checkSignatureAsync, type CheckedRecord, type KeyLookup, type RecordRuleFailure, type RefusedRecord } from '../../device/records/check-record.js';
import type { SignedRecordPayload } from '../../device/records/record-types.js';
import { deviceOfTopic } from '../../device/mqtt/topics.js';
import { keyValidAt, type KeyRing } from './key-ring.js';
import type { Rejection, RejectReason, VerifiedRecord } from './store-types.js';

/** `unsigned`: every rule passed but the signature, which was skipped (confirmSignature verifies it). */
export type Verdict = { ok: true; record: VerifiedRecord; unsigned?: CheckedRecord['unsigned'] } | { ok: false; rejection: Rejection };

/** The collector's stored reason for each rule failure (store-types.ts REJECT_REASONS, docs/collector.md). */
const REASON: Record<RecordRuleFailure, RejectReason> = {
  malformed: 'malformed-jws',
  'payload-not-json': 'payload-not-json',
  'invalid-payload': 'payload-shape',
  'id-mismatch': 'payload-shape',
  'unsupported-alg': 'unsupported-alg',
  'kid-mismatch': 'kid-mismatch',
  'unknown-kid': 'unknown-key',
  'key-not-valid': 'key-not-valid',
  'bad-signature': 'bad-signature',
};

export interface VerifyOptions {
  /** Every rule but the signature (the record is authenticated by its successor's hash link: chain-auth.ts). */
  skipSignature?: boolean;
}

const asText = (message: Buffer | string): string => (typeof message === 'string' ? message : message.toString('utf8'));

function refuse(topic: string, device: string | null, raw: string, receivedAt: number, reason: RejectReason, detail: string, recordId: string | null): Verdict {
  return { ok: false, rejection: { receivedAt, topic, device, recordId, reason, detail, raw: raw.slice(0, 4096) } };
}

/** The registry's answer for a record's kid: the device's key, valid when the record was created, or why not. */
function lookupKey(ring: KeyRing, topic: string, device: string | null, kid: string, p: { created: string }): KeyLookup {
  if (device === null) return { refuse: 'unknown-kid', why: `topic ${topic} names no device` };
  let key;
  try {
    key = ring.get(device, kid);
  } catch (e) {
    return { refuse: 'unknown-kid', why: `the registered key ${kid} of device "${device}" cannot be loaded (${(e as Error).message}); re-register it` };
  }
  if (!key) {
    const other = ring.deviceOf(kid);
    return { refuse: 'unknown-kid', why: other ? `kid ${kid} is registered to device "${other}", not "${device}"` : `kid ${kid} is not registered for device "${device}" (amsgate devices add)` };
  }
  const created = Date.parse(p.created);
  if (!keyValidAt(key, created)) {
    const window = `${new Date(key.validFrom).toISOString()} .. ${key.validTo === null ? 'open' : new Date(key.validTo).toISOString()}`;
    return { refuse: 'key-not-valid', why: `key ${kid} is valid ${window}; the record was created ${p.created}` };
  }
  return { key: key.key };
}

export function verifyMessage(topic: string, message: Buffer | string, ring: KeyRing, receivedAt: number, o: VerifyOptions = {}): Verdict {
  const device = deviceOfTopic(topic);
  const raw = asText(message);
  const r = checkRecord(raw, (kid, p) => lookupKey(ring, topic, device, kid, p), { skipSignature: o.skipSignature, bytes: typeof message === 'string' ? undefined : message });
  const p = r.payload;
  if (p && (device === null || p.dev !== device || topic.split('/')[3] !== p.type)) {
    return refuse(topic, device, raw, receivedAt, 'topic-mismatch', `record of device "${p.dev}", type ${p.type} arrived on topic ${topic}; expected amsgate/v1/${p.dev}/${p.type}`, p.id);
  }
  if (!r.ok) return refuse(topic, device, raw, receivedAt, REASON[r.code], r.reason, p?.id ?? recordIdOf(r.parsed?.payload));
  const record: VerifiedRecord = { id: r.payload.id, device: device!, seq: r.payload.seq, hash: r.hash, prev: r.payload.prev, kid: r.payload.kid, type: r.payload.type, receivedAt, compact: r.compact, payload: r.payload };
  return r.unsigned ? { ok: true, record, unsigned: r.unsigned } : { ok: true, record };
}

/**
 * The verdict verifyMessage would have given without skipSignature, from one it gave with it (`v`): the signature
 * is verified with the key looked up then, nothing is parsed again.
 */
export function confirmSignature(topic: string, message: Buffer | string, v: Verdict): Verdict {
  if (!v.ok || !v.unsigned) return v;
  return confirmed(topic, message, v, checkSignature(v.unsigned.parsed, v.unsigned.key, v.record.payload as SignedRecordPayload));
}

/** confirmSignature with the signature maths on the thread pool: the same verdict. */
export async function confirmSignatureAsync(topic: string, message: Buffer | string, v: Verdict): Promise<Verdict> {
  if (!v.ok || !v.unsigned) return v;
  return confirmed(topic, message, v, await checkSignatureAsync(v.unsigned.parsed, v.unsigned.key, v.record.payload as SignedRecordPayload));
}

function confirmed(topic: string, message: Buffer | string, v: Verdict & { ok: true }, bad: RefusedRecord | null): Verdict {
  if (!bad) return { ok: true, record: v.record };
  return refuse(topic, v.record.device, asText(message), v.record.receivedAt, REASON[bad.code], bad.reason, v.record.id);
}

function recordIdOf(payload: unknown): string | null {
  const id = (payload as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' ? id : null;
}
