// Active alarms and the state of resend requests, as the collector's store records them (collector_alarms,
// device_tails, resend_requests, the chain report): "being asked for" (how often, when last, when next), "asked for
// and not come (alarm)" and "nothing to ask for". Pure.
import type { CollectorAlarm, DeviceTail, ResendRequest, SeqGap } from '../collector/store-types.js';
import type { PeriodGap } from '../collector/gaps.js';

export interface AlarmView {
  at: string;
  kind: CollectorAlarm['kind'];
  fromSeq: number;
  toSeq: number;
  detail: string;
  /** A records-missing alarm not followed by a `recovered` one of the same device. */
  active: boolean;
}

/**
 * requesting: missing seqs the collector's recovery asks for on every tick (with back-off) until they come;
 * alarm: asked for and not come, a records-missing alarm is active (its detail says why);
 * not-sealed: no seq of the device is missing, so the gateway never sealed these periods (it was off, or the meter
 * did not answer): there is nothing to resend.
 */
export type ResendStateName = 'requesting' | 'alarm' | 'not-sealed';

export interface ResendState {
  state: ResendStateName;
  /** When the alarm was raised (ISO), for `alarm`. */
  since: string | null;
  /** Resend requests the collector has sent for the device's missing seqs so far (0: not asked yet, in the grace). */
  requests: number;
  /** When it last asked and when it asks next (ISO); null when not asked / nothing to ask. */
  lastAsked: string | null;
  nextDue: string | null;
  detail: string;
}

const asked = (req: ResendRequest | null): Pick<ResendState, 'requests' | 'lastAsked' | 'nextDue'> => ({
  requests: req?.attempts ?? 0,
  lastAsked: req && req.attempts > 0 ? iso(req.lastAt) : null,
  nextDue: req ? iso(req.nextAt) : null,
});

const askedText = (req: ResendRequest | null): string =>
  req && req.attempts > 0 ? `asked ${req.attempts} time${req.attempts === 1 ? '' : 's'}, last at ${iso(req.lastAt)}, next at ${iso(req.nextAt)}` : 'not asked yet (grace period: records announced may still be in flight)';

const iso = (ms: number): string => new Date(ms).toISOString();

/** One device's collector alarms, newest first (as listAlarms gives them), with `active` set. */
export function alarmViews(alarms: CollectorAlarm[]): AlarmView[] {
  const lastRecovered = alarms.find((a) => a.kind === 'recovered')?.at ?? -Infinity;
  return alarms.map((a) => ({ at: iso(a.at), kind: a.kind, fromSeq: a.fromSeq, toSeq: a.toSeq, detail: a.detail, active: a.kind === 'records-missing' && a.at > lastRecovered }));
}

/** Active alarms per device from the store's alarms (newest first, any devices). */
export function activeAlarmCounts(alarms: CollectorAlarm[]): Map<string, number> {
  const byDevice = new Map<string, CollectorAlarm[]>();
  for (const a of alarms) (byDevice.get(a.device) ?? byDevice.set(a.device, []).get(a.device)!).push(a);
  const out = new Map<string, number>();
  for (const [device, list] of byDevice) out.set(device, alarmViews(list).filter((v) => v.active).length);
  return out;
}

/** The resend state of one missing seq range of a device, given that device's alarm views and announced tail. */
export function seqGapResend(g: SeqGap, alarms: AlarmView[], tail: DeviceTail | null, req: ResendRequest | null = null): ResendState {
  const alarm = alarms.find((a) => a.active && a.fromSeq <= g.to && a.toSeq >= g.from);
  if (alarm) return { state: 'alarm', since: alarm.at, ...asked(req), detail: `${alarm.detail}; ${askedText(req)}` };
  const why =
    g.where === 'after-last' || (g.where === 'before-first' && tail && tail.seq >= g.to)
      ? `announced by the gateway (tail seq ${tail?.seq ?? g.to}${tail ? `, ${iso(tail.seenAt)}` : ''}) and not stored yet`
      : g.where === 'between'
        ? 'missing between two stored records'
        : 'missing before the first stored record';
  return { state: 'requesting', since: null, ...asked(req), detail: `${why}; the collector's recovery asks for ${g.from === g.to ? `seq ${g.from}` : `seq ${g.from}..${g.to}`} until they arrive or it raises an alarm: ${askedText(req)}` };
}

/** A missing period's resend state: tied to the device's missing seqs, if any; else nothing was sealed. */
export function periodGapResend(_g: PeriodGap, seqGaps: SeqGap[], alarms: AlarmView[], tail: DeviceTail | null, req: ResendRequest | null = null): ResendState {
  if (seqGaps.length === 0) {
    return { state: 'not-sealed', since: null, requests: 0, lastAsked: null, nextDue: null, detail: `no record of the device is missing${tail ? ` (chain complete up to the announced seq ${tail.seq})` : ''}: the gateway sealed no interval for these periods, so there is nothing to resend` };
  }
  const states = seqGaps.map((s) => seqGapResend(s, alarms, tail, req));
  const alarm = states.find((s) => s.state === 'alarm');
  if (alarm) return { ...alarm, detail: `may be among the missing records: ${alarm.detail}` };
  return { state: 'requesting', since: null, ...asked(req), detail: `may be among the missing seq ${seqGaps.map((s) => `${s.from}..${s.to}`).join(', ')}, which the collector's recovery is asking for: ${askedText(req)}` };
}
