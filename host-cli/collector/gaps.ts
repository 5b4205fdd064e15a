// Gap finding over stored interval records: pure functions, no I/O.
import type { GatewayCommand } from '../../device/mqtt/command-types.js';
import type { Resolution } from '../../device/records/record-types.js';
import type { StoredInterval } from './store-types.js';

export { RESOLUTION_MS } from '../../device/config/gateway-config.js';
import { RESOLUTION_MS } from '../../device/config/gateway-config.js';

export interface PeriodGap {
  device: string;
  meter: string;
  channel: string;
  resolution: Resolution;
  /** Start of the first missing period (ISO, UTC). */
  from: string;
  /** End of the last missing period, exclusive (ISO, UTC). */
  to: string;
  missing: number;
}

/**
 * Missing periods per device, meter, channel and resolution. Without bounds a series is checked between its first and
 * last stored period; with `fromMs`/`toMs` the missing periods at either end count too.
 */
export function findPeriodGaps(intervals: StoredInterval[], bounds: { fromMs?: number; toMs?: number } = {}): PeriodGap[] {
  const series = new Map<string, { device: string; meter: string; channel: string; resolution: Resolution; starts: Set<number> }>();
  for (const i of intervals) {
    const p = i.payload;
    const key = `${i.device}\u0000${p.meter.id}\u0000${p.channel}\u0000${p.period.resolution}`;
    let s = series.get(key);
    if (!s) series.set(key, (s = { device: i.device, meter: p.meter.id, channel: p.channel, resolution: p.period.resolution, starts: new Set() }));
    s.starts.add(Date.parse(p.period.start));
  }
  const gaps: PeriodGap[] = [];
  for (const s of series.values()) {
    const step = RESOLUTION_MS[s.resolution];
    const sorted = [...s.starts].sort((a, b) => a - b);
    const first = bounds.fromMs !== undefined ? alignUp(bounds.fromMs, sorted[0]!, step) : sorted[0]!;
    const endExcl = bounds.toMs !== undefined ? bounds.toMs : sorted[sorted.length - 1]! + step;
    let runStart: number | null = null;
    for (let t = first; t + step <= endExcl; t += step) {
      if (!s.starts.has(t)) {
        if (runStart === null) runStart = t;
      } else if (runStart !== null) {
        gaps.push(gap(s, runStart, t, step));
        runStart = null;
      }
    }
    if (runStart !== null) gaps.push(gap(s, runStart, Math.floor((endExcl - first) / step) * step + first, step));
  }
  return gaps.sort((a, b) => (a.device + a.meter + a.channel + a.from).localeCompare(b.device + b.meter + b.channel + b.from));
}

function alignUp(t: number, anchor: number, step: number): number {
  const k = Math.ceil((t - anchor) / step);
  return anchor + k * step;
}

function gap(s: { device: string; meter: string; channel: string; resolution: Resolution }, from: number, to: number, step: number): PeriodGap {
  return {
    device: s.device, meter: s.meter, channel: s.channel, resolution: s.resolution,
    from: new Date(from).toISOString(), to: new Date(to).toISOString(), missing: Math.round((to - from) / step),
  };
}

/** One resend command per device, meter and gap run (the gateway resends both channels of a meter). */
export function resendCommands(gaps: PeriodGap[], newId: () => string): { device: string; command: GatewayCommand }[] {
  const seen = new Set<string>();
  const out: { device: string; command: GatewayCommand }[] = [];
  for (const g of gaps) {
    const k = `${g.device}\u0000${g.meter}\u0000${g.from}\u0000${g.to}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ device: g.device, command: { id: newId(), type: 'resend', from: g.from, to: g.to, meter: g.meter } });
  }
  return out;
}
