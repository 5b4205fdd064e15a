// The settlement series a data collector looks after: one per (device, meter, channel, AMSID), in half hours (PT30M is
// the settlement resolution every gateway publishes). Pure helpers shared by validation, estimation and submissions.
import type { IntervalRecord } from '../../device/records/record-types.js';

export const HALF_HOUR_MS = 1_800_000;

export interface Series {
  dev: string;
  meter: string;
  channel: 'import' | 'export';
  amsid: string;
}

export const seriesKey = (s: Series): string => `${s.dev}/${s.meter}/${s.channel}/${s.amsid}`;

export function seriesOf(records: IntervalRecord[]): Series[] {
  const m = new Map<string, Series>();
  for (const r of records) {
    const s: Series = { dev: r.dev, meter: r.meter.id, channel: r.channel, amsid: r.amsid };
    m.set(seriesKey(s), s);
  }
  return [...m.values()].sort((a, b) => seriesKey(a).localeCompare(seriesKey(b)));
}

/** Latest-revision records of one series, by resolution, keyed by period start. */
export interface SeriesData {
  half: Map<number, IntervalRecord>;
  quarter: Map<number, IntervalRecord>;
}

export function seriesData(records: IntervalRecord[], s: Series): SeriesData {
  const half = new Map<number, IntervalRecord>();
  const quarter = new Map<number, IntervalRecord>();
  for (const r of records) {
    if (r.dev !== s.dev || r.meter.id !== s.meter || r.channel !== s.channel || r.amsid !== s.amsid) continue;
    const m = r.period.resolution === 'PT30M' ? half : r.period.resolution === 'PT15M' ? quarter : null;
    if (!m) continue;
    const k = Date.parse(r.period.start);
    const had = m.get(k);
    if (!had || r.revision > had.revision) m.set(k, r);
  }
  return { half, quarter };
}

/** Half-hour starts in [fromMs, toMs), aligned to UTC half hours (settlement periods are). */
export function halfHours(fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  for (let t = Math.ceil(fromMs / HALF_HOUR_MS) * HALF_HOUR_MS; t < toMs; t += HALF_HOUR_MS) out.push(t);
  return out;
}
