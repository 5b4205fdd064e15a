// Sealing a record: give it the next sequence number, link it to the previous record's hash, sign it.
// The chain makes a deleted, reordered or replayed record visible to anyone holding the public key.
import type { DeviceKey } from '../signing/device-key.js';
import { recordHash, signCompact } from '../signing/jws.js';
import type { AlarmRecord, Channel, IntervalRecord, Resolution, SignedRecordPayload } from './record-types.js';

/** State after the LAST sealed record; {seq: 0, prevHash: ''} before the first. */
export interface ChainState {
  seq: number;
  prevHash: string;
}

export const GENESIS: ChainState = Object.freeze({ seq: 0, prevHash: '' });

type Sealed = 'v' | 'id' | 'dev' | 'seq' | 'prev' | 'kid' | 'created';
export type RecordBody = Omit<IntervalRecord, Sealed> | Omit<AlarmRecord, Sealed>;

/** Second-resolution UTC ISO time without milliseconds, so that ids do not depend on how a time was written. */
export function canonicalIso(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO 8601 time: "${iso}"`);
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Idempotent id of one revision of one interval: iv/<device>/<meter>/<channel>/<start>/<resolution>/<revision>.
 * Device and meter ids cannot contain "/" (the configuration refuses it), so the id splits unambiguously.
 */
export function intervalRecordId(
  deviceId: string,
  meterId: string,
  channel: Channel,
  periodStartIso: string,
  resolution: Resolution,
  revision: number,
): string {
  return `iv/${deviceId}/${meterId}/${channel}/${canonicalIso(periodStartIso)}/${resolution}/${revision}`;
}

/** Alarms are events, not periods: their id is the device's sequence number. */
export function alarmRecordId(deviceId: string, seq: number): string {
  return `al/${deviceId}/${seq}`;
}

/** The id a payload must carry, recomputed from its own fields. */
export function expectedRecordId(p: SignedRecordPayload): string {
  return p.type === 'interval'
    ? intervalRecordId(p.dev, p.meter.id, p.channel, p.period.start, p.period.resolution, p.revision)
    : alarmRecordId(p.dev, p.seq);
}

/** Wh to kWh with exactly three decimals, integer arithmetic only. */
export function formatKwh(wh: bigint): string {
  const neg = wh < 0n;
  const abs = neg ? -wh : wh;
  return `${neg ? '-' : ''}${abs / 1000n}.${(abs % 1000n).toString().padStart(3, '0')}`;
}

export function sealRecord(
  body: RecordBody,
  ctx: { deviceId: string; chain: ChainState; key: DeviceKey; nowMs: number },
): { compact: string; payload: SignedRecordPayload; chain: ChainState } {
  const seq = ctx.chain.seq + 1;
  const id =
    body.type === 'interval'
      ? intervalRecordId(ctx.deviceId, body.meter.id, body.channel, body.period.start, body.period.resolution, body.revision)
      : alarmRecordId(ctx.deviceId, seq);
  // Common fields first so that a human reading the decoded payload sees identity before content.
  const payload = {
    v: 1,
    id,
    dev: ctx.deviceId,
    seq,
    prev: ctx.chain.prevHash,
    kid: ctx.key.kid,
    created: new Date(ctx.nowMs).toISOString(),
    ...body,
  } as SignedRecordPayload;
  const compact = signCompact(payload, ctx.key);
  return { compact, payload, chain: { seq, prevHash: recordHash(compact) } };
}
