// Turns one MQTT message into a verified record or a rejection with its reason. Never throws on bad input.
import { deviceOfTopic } from '../../device/mqtt/topics.js';
import { expectedRecordId } from '../../device/records/record-chain.js';
import { JwsFormatError, parseCompact, recordHash, verifySignature } from './jws.js';
import { keyValidAt, type KeyRing } from './key-ring.js';
import { checkPayload } from './record-schema.js';
import type { Rejection, RejectReason, VerifiedRecord } from './store-types.js';

export type Verdict = { ok: true; record: VerifiedRecord } | { ok: false; rejection: Rejection };

const MAX_MESSAGE = 64 * 1024;

export function verifyMessage(topic: string, message: Buffer | string, ring: KeyRing, receivedAt: number): Verdict {
  const device = deviceOfTopic(topic);
  const raw = typeof message === 'string' ? message : message.toString('utf8');
  let recordId: string | null = null;
  const no = (reason: RejectReason, detail: string): Verdict => ({
    ok: false,
    rejection: { receivedAt, topic, device, recordId, reason, detail, raw: raw.slice(0, 4096) },
  });
  if (raw.length > MAX_MESSAGE) return no('malformed-jws', `message is ${raw.length} bytes; a signed record is at most ${MAX_MESSAGE}`);
  const compact = raw.trim();
  let parsed;
  try {
    parsed = parseCompact(compact);
  } catch (e) {
    if (e instanceof JwsFormatError) return no(e.reason, e.message);
    return no('malformed-jws', String(e));
  }
  const shape = checkPayload(parsed.payload);
  if (!shape.ok) return no('payload-shape', shape.error);
  const p = shape.value;
  recordId = p.id;
  const kind = topic.split('/')[3];
  if (device === null || p.dev !== device || kind !== p.type) {
    return no('topic-mismatch', `record of device "${p.dev}", type ${p.type} arrived on topic ${topic}; expected amsgate/v1/${p.dev}/${p.type}`);
  }
  let expectedId: string;
  try {
    expectedId = expectedRecordId(p);
  } catch (e) {
    return no('payload-shape', (e as Error).message);
  }
  if (p.id !== expectedId) return no('payload-shape', `id "${p.id}" does not follow from the record's fields; expected "${expectedId}"`);
  const alg = parsed.header.alg;
  if (alg !== 'ES256' && alg !== 'EdDSA') return no('unsupported-alg', `JWS alg "${alg}" is not accepted: expected ES256 or EdDSA`);
  if (parsed.header.kid !== p.kid) return no('kid-mismatch', `header kid "${String(parsed.header.kid)}" differs from payload kid "${p.kid}"`);
  let key;
  try {
    key = ring.get(device, p.kid);
  } catch (e) {
    return no('unknown-key', `the registered key ${p.kid} of device "${device}" cannot be loaded (${(e as Error).message}); re-register it`);
  }
  if (!key) {
    const other = ring.deviceOf(p.kid);
    return no('unknown-key', other ? `kid ${p.kid} is registered to device "${other}", not "${device}"` : `kid ${p.kid} is not registered for device "${device}" (amsgate devices add)`);
  }
  if (key.alg !== alg) return no('unsupported-alg', `JWS alg ${alg} does not match the registered key's alg ${key.alg}`);
  const created = Date.parse(p.created);
  if (!keyValidAt(key, created)) {
    const window = `${new Date(key.validFrom).toISOString()} .. ${key.validTo === null ? 'open' : new Date(key.validTo).toISOString()}`;
    return no('key-not-valid', `key ${p.kid} is valid ${window}; the record was created ${p.created}`);
  }
  if (!verifySignature(parsed, key.key)) return no('bad-signature', `${alg} signature does not verify with key ${p.kid}`);
  return {
    ok: true,
    record: { id: p.id, device, seq: p.seq, hash: recordHash(compact), prev: p.prev, kid: p.kid, type: p.type, receivedAt, compact, payload: p },
  };
}
