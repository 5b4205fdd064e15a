// Estimation of missing settlement periods (seeds/003: the data collector estimates what it cannot collect). Pure.
// 1. register-bracket: when stored registers bracket the gap (the record before ends at register E0, the record
//    after starts at S1), the energy over the gap is the register advance S1 - E0 (through the channel's
//    compensation); only its split across the periods is estimated, by the gateway's own engine
//    (device/settlement/channel-engine.ts: linear in time, floor of cumulative energy, so the parts add up exactly).
// 2. previous-comparable-days (fallback): the mean of the same settlement period on up to `days` previous days of
//    the same kind (working day / non-working day) with actual data, rounded down to whole Wh.
// Otherwise the period stays unestimated, with the reason: no energy is invented from nothing.
import { NEUTRAL_COMPENSATION, type CompensationSettings } from '../../../device/compensation/compensation.js';
import type { IntervalRecord } from '../../../device/records/record-types.js';
import { applyReading, initialChannelState, type ChannelReading, type EngineConfig } from '../../../device/settlement/channel-engine.js';
import { localDate, localDayStartMs, settlementPeriodsInDay } from '../../../device/settlement/periods.js';
import { parseDecimal } from '../../../drivers/rational.js';
import { addCalendarDays, isWorkingDay } from '../calendar/working-days.js';
import { halfHours, HALF_HOUR_MS, seriesData, type Series, type SeriesData } from '../series.js';

export type EstimateMethod = 'register-bracket' | 'previous-comparable-days';

export interface Estimate {
  series: Series;
  startMs: number;
  energyWh: number;
  method: EstimateMethod;
  /** What the estimate rests on: the bracketing records and the gap total, or the days used. */
  basis: string;
}

export interface EstimateOptions {
  /** The channel's compensation from the gateway configuration; absent: only an uncompensated channel is bracketed. */
  compensation?: CompensationSettings;
  /** Comparable days to average (default 3), looked for within `lookbackDays` (default 28). */
  days?: number;
  lookbackDays?: number;
}

/** Half hours with no PT30M record that PT15M records do not cover either (those are exact, not missing). */
export function missingHalfHours(d: SeriesData, fromMs: number, toMs: number): number[] {
  return halfHours(fromMs, toMs).filter((t) => !d.half.has(t) && !(d.quarter.has(t) && d.quarter.has(t + 900_000)));
}

function runs(starts: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const t of starts) {
    const last = out[out.length - 1];
    if (last && last[1] === t) last[1] = t + HALF_HOUR_MS;
    else out.push([t, t + HALF_HOUR_MS]);
  }
  return out;
}

const reading = (atMs: number, extended: bigint, whPerCount: string): ChannelReading => ({
  atMs, extended, whPerCount: parseDecimal(whPerCount), pf: null, voltageV: null, frequencyHz: null, currentA: null, alarmActive: false, event: 'none',
});

/** A record's energy equals its own counts x Wh per count: the channel carries no compensation. */
const uncompensated = (r: IntervalRecord): boolean => {
  const w = parseDecimal(r.register.whPerCount);
  const wh = BigInt(r.rawCounts) * w.num;
  return wh % w.den === 0n && wh / w.den === BigInt(r.energyWh);
};

function bracket(s: Series, prev: IntervalRecord | undefined, next: IntervalRecord | undefined, g0: number, g1: number, o: EstimateOptions): Estimate[] | string {
  if (!prev || !next) return `no stored record on both sides of the gap (${prev ? 'none after' : 'none before'})`;
  if (prev.register.whPerCount !== next.register.whPerCount) return `Wh per count changes across the gap (${prev.register.whPerCount} -> ${next.register.whPerCount})`;
  if (next.flags.includes('meter-reset')) return 'the register was reset inside the gap';
  const e0 = BigInt(prev.register.end);
  const s1 = BigInt(next.register.start);
  if (s1 < e0) return `the register went back across the gap (${e0} -> ${s1})`;
  if (!o.compensation && !(uncompensated(prev) && uncompensated(next))) return 'the channel is compensated and no gateway configuration was given for it';
  const cfg: EngineConfig = { resolution: 'PT30M', compensation: o.compensation ?? NEUTRAL_COMPENSATION, limits: { nominalVoltageV: 230, maxCurrentA: 100 }, closeAfterMs: 0 };
  const first = applyReading(initialChannelState(), reading(g0, e0, prev.register.whPerCount), cfg);
  const { closed } = applyReading(first.state, reading(g1, s1, prev.register.whPerCount), cfg);
  const total = closed.reduce((n, c) => n + c.energyWh, 0n);
  const basis = `register ${e0} at ${new Date(g0).toISOString()} (end of ${prev.id}) to ${s1} at ${new Date(g1).toISOString()} (start of ${next.id}), x ${prev.register.whPerCount} Wh/count: ${total} Wh over ${closed.length} period(s), split linearly in time`;
  return closed.map((c) => ({ series: s, startMs: c.period.startMs, energyWh: Number(c.energyWh), method: 'register-bracket' as const, basis }));
}

function comparable(s: Series, d: SeriesData, t: number, o: EstimateOptions): Estimate | string {
  const date = localDate(t);
  const offset = t - localDayStartMs(date);
  const working = isWorkingDay(date);
  const used: { date: string; wh: number }[] = [];
  for (let k = 1; k <= (o.lookbackDays ?? 28) && used.length < (o.days ?? 3); k++) {
    const day = addCalendarDays(date, -k);
    if (isWorkingDay(day) !== working || offset >= settlementPeriodsInDay(day) * HALF_HOUR_MS) continue;
    const r = d.half.get(localDayStartMs(day) + offset);
    if (r && r.quality === 'actual') used.push({ date: day, wh: r.energyWh });
  }
  if (used.length === 0) return `no actual data for the same period on a comparable ${working ? 'working' : 'non-working'} day in the previous ${o.lookbackDays ?? 28} days`;
  const wh = Math.floor(used.reduce((n, u) => n + u.wh, 0) / used.length);
  const sp = offset / HALF_HOUR_MS + 1;
  return { series: s, startMs: t, energyWh: wh, method: 'previous-comparable-days', basis: `mean of settlement period ${sp} on ${used.map((u) => `${u.date} (${u.wh} Wh)`).join(', ')}, rounded down` };
}

export function estimateSeries(records: IntervalRecord[], s: Series, fromMs: number, toMs: number, o: EstimateOptions = {}): { estimates: Estimate[]; unestimated: { startMs: number; reason: string }[] } {
  const d = seriesData(records, s);
  const estimates: Estimate[] = [];
  const unestimated: { startMs: number; reason: string }[] = [];
  for (const [g0, g1] of runs(missingHalfHours(d, fromMs, toMs))) {
    const b = bracket(s, d.half.get(g0 - HALF_HOUR_MS), d.half.get(g1), g0, g1, o);
    if (typeof b !== 'string') {
      estimates.push(...b);
      continue;
    }
    for (let t = g0; t < g1; t += HALF_HOUR_MS) {
      const c = comparable(s, d, t, o);
      if (typeof c === 'string') unestimated.push({ startMs: t, reason: `${b}; ${c}` });
      else estimates.push({ ...c, basis: `${c.basis} (no register bracket: ${b})` });
    }
  }
  return { estimates, unestimated };
}
