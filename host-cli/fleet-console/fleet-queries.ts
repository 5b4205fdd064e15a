// Every read the fleet console makes of the collector's store, through today's CollectorStore interface
// (store-types.ts), in this one module so that it is easy to adapt as the store grows. Pure over the store: the
// JSON API returns these objects as they are and the pages render them.
import type { IntervalFlag, Quality } from '../../device/records/record-types.js';
import { findPeriodGaps, type PeriodGap } from '../collector/gaps.js';
import type { CollectorStore, RegisteredKey, Rejection, SeqGap, StoredInterval } from '../collector/store-types.js';
import { latestRevisions } from '../exports/intervals.js';
import { activeGatewayAlarms, gatewayAlarmLabel, gatewayAlarmViews, type GatewayAlarmView } from './gateway-alarms.js';
import { activeAlarmCounts, alarmViews, periodGapResend, seqGapResend, type AlarmView, type ResendState } from './fleet-alarms.js';

export interface DeviceStatus {
  state: 'online' | 'offline';
  at: string | null;
}

export interface DeviceSummary {
  device: string;
  /** Latest receivedAt of any of its interval records in the window (ISO), null when none. */
  lastSeen: string | null;
  /** From the retained status topic; "unknown" when the console does not watch the broker. */
  status: 'online' | 'offline' | 'unknown';
  latestInterval: { meter: string; channel: string; start: string; energyWh: number; quality: Quality } | null;
  /** Missing periods inside the window plus sequence gaps of the chain. */
  openGaps: number;
  rejected: number;
  /** Active alarms: the collector's records-missing not followed by `recovered`, plus the gateway's raised ones. */
  activeAlarms: number;
  /** One label per active alarm, saying whose: "gateway: meter-comms-failure (charger)", "collector: records-missing". */
  activeAlarmLabels: string[];
  keys: number;
}

export interface FleetOverview {
  window: { from: string; to: string };
  counts: { devices: number; online: number; offline: number; unknown: number; withGaps: number; withAlarms: number; withRejections: number };
  devices: DeviceSummary[];
}

export interface HalfHour {
  start: string;
  meter: string;
  channel: 'import' | 'export';
  energyWh: number;
  quality: Quality;
  flags: IntervalFlag[];
  revision: number;
  recordId: string;
}

export interface KeyEvent {
  kid: string;
  alg: string;
  validFrom: string;
  validTo: string | null;
  state: 'valid' | 'revoked';
  source: string;
  addedAt: string;
  /** registered: the first key; rotated: a later key; revoked: validTo set. */
  event: 'registered' | 'rotated' | 'revoked';
}

export interface DeviceDetail {
  device: string;
  window: { from: string; to: string };
  halfHours: HalfHour[];
  gaps: (PeriodGap & { resend: ResendState })[];
  seqGaps: (Omit<SeqGap, 'device'> & { resend: ResendState })[];
  /** The latest seq the gateway announced (heartbeat/status), null when it never did. */
  tail: { seq: number; seenAt: string } | null;
  /** The collector's alarms about this device, newest first. */
  alarms: AlarmView[];
  /** The gateway's own signed alarm records: the active ones first, then the rest newest first. */
  gatewayAlarms: GatewayAlarmView[];
  keys: KeyEvent[];
  rejections: RejectionView[];
}

export type RejectionView = Omit<Rejection, 'raw' | 'receivedAt'> & { receivedAt: string; raw: string };

const iso = (ms: number): string => new Date(ms).toISOString();
/** Rejections read per request; the store lists the newest first. */
const REJECTION_SCAN = 5000;
/** Collector alarms read per overview. */
const ALARM_SCAN = 5000;
/** Gateway alarm records read: the newest this many of the fleet (overview) or of one device (its page). */
export const GATEWAY_ALARM_SCAN = 5000;
export const DEVICE_GATEWAY_ALARM_SCAN = 500;

export function rejectionView(r: Rejection): RejectionView {
  return { ...r, receivedAt: iso(r.receivedAt), raw: r.raw.slice(0, 512) };
}

export async function fleetOverview(store: CollectorStore, statuses: Map<string, DeviceStatus>, fromMs: number, toMs: number): Promise<FleetOverview> {
  const [keys, intervals, rejections, chain, alarms, gatewayAlarms] = await Promise.all([store.listKeys(), store.intervals({ fromMs, toMs }), store.listRejections(REJECTION_SCAN), store.chainReport(), store.listAlarms(ALARM_SCAN), store.gatewayAlarms(GATEWAY_ALARM_SCAN)]);
  const names = new Set<string>([...keys.map((k) => k.device), ...intervals.map((i) => i.device), ...statuses.keys()]);
  const active = activeAlarmCounts(alarms);
  const gatewayActive = activeGatewayAlarms(gatewayAlarms);
  const byDevice = new Map<string, StoredInterval[]>();
  for (const i of intervals) (byDevice.get(i.device) ?? byDevice.set(i.device, []).get(i.device)!).push(i);
  const gaps = findPeriodGaps(intervals);
  const devices = [...names].sort().map((device): DeviceSummary => {
    const mine = byDevice.get(device) ?? [];
    let last: StoredInterval | null = null;
    let seen = -1;
    for (const i of mine) {
      seen = Math.max(seen, i.receivedAt);
      if (!last || i.payload.period.start > last.payload.period.start) last = i;
    }
    const st = statuses.get(device);
    const labels = [...gatewayActive.filter((a) => a.device === device).map(gatewayAlarmLabel), ...Array<string>(active.get(device) ?? 0).fill('collector: records-missing')];
    return {
      device,
      lastSeen: seen < 0 ? null : iso(seen),
      status: st ? st.state : 'unknown',
      latestInterval: last ? { meter: last.payload.meter.id, channel: last.payload.channel, start: last.payload.period.start, energyWh: last.payload.energyWh, quality: last.payload.quality } : null,
      openGaps: gaps.filter((g) => g.device === device).reduce((n, g) => n + g.missing, 0) + chain.gaps.filter((g) => g.device === device).length,
      rejected: rejections.filter((r) => r.device === device).length,
      activeAlarms: labels.length,
      activeAlarmLabels: labels,
      keys: keys.filter((k) => k.device === device).length,
    };
  });
  return {
    window: { from: iso(fromMs), to: iso(toMs) },
    counts: {
      devices: devices.length,
      online: devices.filter((d) => d.status === 'online').length,
      offline: devices.filter((d) => d.status === 'offline').length,
      unknown: devices.filter((d) => d.status === 'unknown').length,
      withGaps: devices.filter((d) => d.openGaps > 0).length,
      withAlarms: devices.filter((d) => d.activeAlarms > 0).length,
      withRejections: devices.filter((d) => d.rejected > 0).length,
    },
    devices,
  };
}

export function keyHistory(keys: RegisteredKey[]): KeyEvent[] {
  const sorted = [...keys].sort((a, b) => a.validFrom - b.validFrom || a.addedAt - b.addedAt);
  return sorted.map((k, n) => ({
    kid: k.kid,
    alg: k.alg,
    validFrom: iso(k.validFrom),
    validTo: k.validTo === null ? null : iso(k.validTo),
    state: k.validTo === null ? 'valid' : 'revoked',
    source: k.source,
    addedAt: iso(k.addedAt),
    event: k.validTo !== null ? 'revoked' : n === 0 ? 'registered' : 'rotated',
  }));
}

export async function deviceDetail(store: CollectorStore, device: string, fromMs: number, toMs: number): Promise<DeviceDetail | null> {
  const [keys, intervals, rejections, chain, alarmList, tails, gatewayAlarms, requests] = await Promise.all([
    store.listKeys(device), store.intervals({ device, fromMs, toMs }), store.listRejections(REJECTION_SCAN), store.chainReport(device), store.listAlarms(ALARM_SCAN, device), store.listTails(device),
    store.gatewayAlarms(DEVICE_GATEWAY_ALARM_SCAN, device), store.listResendRequests(device),
  ]);
  const req = requests[0] ?? null;
  if (keys.length === 0 && intervals.length === 0) return null;
  const alarms = alarmViews(alarmList);
  const tail = tails.find((t) => t.device === device) ?? null;
  const seqGaps = chain.gaps.filter((g) => g.device === device);
  const latest = latestRevisions(intervals.map((i) => i.payload)).filter((r) => r.period.resolution === 'PT30M');
  return {
    device,
    window: { from: iso(fromMs), to: iso(toMs) },
    halfHours: latest.map((r) => ({ start: r.period.start, meter: r.meter.id, channel: r.channel, energyWh: r.energyWh, quality: r.quality, flags: r.flags, revision: r.revision, recordId: r.id })),
    // Holes between stored periods (as the collector's timed gap check counts them), not the time before the first.
    gaps: findPeriodGaps(intervals).map((g) => ({ ...g, resend: periodGapResend(g, seqGaps, alarms, tail, req) })),
    seqGaps: seqGaps.map((g) => ({ from: g.from, to: g.to, where: g.where, resend: seqGapResend(g, alarms, tail, req) })),
    tail: tail ? { seq: tail.seq, seenAt: iso(tail.seenAt) } : null,
    alarms,
    gatewayAlarms: gatewayAlarmViews(gatewayAlarms),
    keys: keyHistory(keys),
    rejections: rejections.filter((r) => r.device === device).map(rejectionView),
  };
}

export async function rejectionList(store: CollectorStore, limit: number, reason?: string): Promise<RejectionView[]> {
  const all = await store.listRejections(reason ? REJECTION_SCAN : limit);
  return all.filter((r) => !reason || r.reason === reason).slice(0, limit).map(rejectionView);
}

/** The signed interval records (every revision) of a device set and date range, for the export download. */
export async function exportRecords(store: CollectorStore, devices: string[], fromMs: number, toMs: number): Promise<StoredInterval[]> {
  const out: StoredInterval[] = [];
  for (const device of devices) out.push(...(await store.intervals({ device, fromMs, toMs })));
  return out;
}
