// The gateways' own signed alarm records (raised/cleared per kind and meter), folded into what is active now. Pure.
import type { GatewayAlarm } from '../collector/store-types.js';

export interface GatewayAlarmView {
  seq: number;
  alarm: GatewayAlarm['alarm'];
  meter: string | null;
  state: GatewayAlarm['state'];
  at: string;
  detail: string;
  /** The latest record of its (device, kind, meter) and that record says raised. */
  active: boolean;
}

const keyOf = (a: GatewayAlarm): string => `${a.device}\u0000${a.alarm}\u0000${a.meter ?? ''}`;

/** The active set: per (device, kind, meter) the record with the highest seq, when it is `raised`; by device, seq. */
export function activeGatewayAlarms(alarms: GatewayAlarm[]): GatewayAlarm[] {
  const latest = new Map<string, GatewayAlarm>();
  for (const a of alarms) {
    const k = keyOf(a);
    const seen = latest.get(k);
    if (!seen || a.seq > seen.seq) latest.set(k, a);
  }
  return [...latest.values()].filter((a) => a.state === 'raised').sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : a.seq - b.seq));
}

/** How the overview names one active gateway alarm: "gateway: meter-comms-failure (charger)". */
export function gatewayAlarmLabel(a: Pick<GatewayAlarm, 'alarm' | 'meter'>): string {
  return `gateway: ${a.alarm}${a.meter === null ? '' : ` (${a.meter})`}`;
}

/** One device's alarm records for its page: the active ones first (by seq), then every other record newest first. */
export function gatewayAlarmViews(alarms: GatewayAlarm[]): GatewayAlarmView[] {
  const active = new Set(activeGatewayAlarms(alarms));
  const view = (a: GatewayAlarm): GatewayAlarmView => ({ seq: a.seq, alarm: a.alarm, meter: a.meter, state: a.state, at: a.at, detail: a.detail, active: active.has(a) });
  const history = alarms.filter((a) => !active.has(a)).sort((a, b) => b.seq - a.seq);
  return [...[...active].map(view), ...history.map(view)];
}
