// Settlement periods: fixed-length intervals aligned to UTC multiples of their length, labelled with the GB
// settlement date (the local Europe/London day of the period start) and, for PT30M, the settlement period number
// counted from local midnight (standards.md §1.2). Pure functions; time zone offsets come from the built-in
// EU/UK rule (zone-rules.ts) where it applies, else from Intl.
import { ConfigError } from '../../drivers/errors.js';
import { hasBuiltInRule, ruleOffsetMs } from './zone-rules.js';
import type { Resolution } from '../records/record-types.js';

export type { Resolution };

export const DEFAULT_TZ = 'Europe/London';

export interface PeriodInfo {
  startMs: number;
  endMs: number;
  resolution: Resolution;
  /** YYYY-MM-DD: the local (tz) calendar day of startMs. */
  settlementDate: string;
  /** 1..46/48/50 for PT30M; null for other resolutions. */
  settlementPeriod: number | null;
}

const RESOLUTION_MS: Record<Resolution, number> = { PT15M: 900_000, PT30M: 1_800_000, PT60M: 3_600_000 };
const HALF_HOUR_MS = 1_800_000;
const DAY_MS = 86_400_000;

/** Length of one period in milliseconds. */
export function resolutionMs(resolution: Resolution): number {
  const ms = RESOLUTION_MS[resolution];
  if (ms === undefined) {
    throw new ConfigError('bad-resolution', `resolution "${String(resolution)}" is not supported; expected PT15M, PT30M or PT60M`);
  }
  return ms;
}

// Formatters are expensive to build; one per zone is kept.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-GB', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw new ConfigError('bad-time-zone', `time zone "${tz}" is not known to this Node (Intl); expected an IANA name such as "Europe/London"`);
    }
    formatters.set(tz, f);
  }
  return f;
}

interface LocalParts {
  y: number;
  m: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

function localParts(atMs: number, tz: string): LocalParts {
  const offset = ruleOffsetMs(atMs, tz);
  if (offset !== undefined) {
    const t = new Date(Math.floor(atMs / 1000) * 1000 + offset);
    return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), s: t.getUTCSeconds() };
  }
  const out: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(atMs))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return { y: out.year!, m: out.month!, d: out.day!, h: out.hour!, mi: out.minute!, s: out.second! };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const dateText = (y: number, m: number, d: number): string => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

/** True when tz names a time zone this Node knows (the built-in rule zones need no Intl). */
export function isKnownTimeZone(tz: string): boolean {
  if (hasBuiltInRule(tz)) return true;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** Offset of local time from UTC at atMs, in ms (3 600 000 during BST). */
export function tzOffsetMs(atMs: number, tz: string = DEFAULT_TZ): number {
  const p = localParts(atMs, tz);
  const wholeSecond = Math.floor(atMs / 1000) * 1000;
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s) - wholeSecond;
}

/** The local calendar date (YYYY-MM-DD) at atMs. */
export function localDate(atMs: number, tz: string = DEFAULT_TZ): string {
  const p = localParts(atMs, tz);
  return dateText(p.y, p.m, p.d);
}

function parseDate(settlementDate: string): { y: number; m: number; d: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(settlementDate);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    const check = new Date(Date.UTC(y, mo - 1, d));
    if (check.getUTCFullYear() === y && check.getUTCMonth() === mo - 1 && check.getUTCDate() === d) return { y, m: mo, d };
  }
  throw new ConfigError('bad-settlement-date', `settlement date "${settlementDate}" is not a calendar date; expected YYYY-MM-DD, e.g. 2026-03-29`);
}

// Day starts are looked up often (every period label); a bounded cache keeps it cheap.
const dayStartCache = new Map<string, number>();

/**
 * UTC ms of the first instant of the local day: local midnight, or where a zone skips midnight the first instant
 * that has that local date. Found by bisection on "local date >= day", which is monotone in UTC time.
 */
export function localDayStartMs(settlementDate: string, tz: string = DEFAULT_TZ): number {
  const key = `${tz}|${settlementDate}`;
  const hit = dayStartCache.get(key);
  if (hit !== undefined) return hit;
  const { y, m, d } = parseDate(settlementDate);
  const target = dateText(y, m, d);
  const guess = Date.UTC(y, m - 1, d);
  // Real offsets lie within +-14 h; 15 h brackets the answer.
  let lo = guess - 15 * 3_600_000; // local date < target here
  let hi = guess + 15 * 3_600_000; // local date >= target here
  // Offsets change on whole seconds, so bisecting to one second is exact.
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (localDate(mid, tz) >= target) hi = mid;
    else lo = mid;
  }
  if (dayStartCache.size > 4096) dayStartCache.clear();
  dayStartCache.set(key, hi);
  return hi;
}

/** The calendar date after settlementDate (YYYY-MM-DD). */
export function nextDate(settlementDate: string): string {
  const { y, m, d } = parseDate(settlementDate);
  const n = new Date(Date.UTC(y, m - 1, d + 1));
  return dateText(n.getUTCFullYear(), n.getUTCMonth() + 1, n.getUTCDate());
}

/** Number of settlement periods in the day: 48, or 46 on the short (clocks forward) and 50 on the long day. */
export function settlementPeriodsInDay(settlementDate: string, tz: string = DEFAULT_TZ): number {
  const start = localDayStartMs(settlementDate, tz);
  const end = localDayStartMs(nextDate(settlementDate), tz);
  return Math.round((end - start) / HALF_HOUR_MS);
}

/** UTC ms at which settlement period `period` (1-based) of the settlement date starts. */
export function settlementPeriodStart(settlementDate: string, period: number, tz: string = DEFAULT_TZ): number {
  const n = settlementPeriodsInDay(settlementDate, tz);
  if (!Number.isInteger(period) || period < 1 || period > n) {
    throw new ConfigError('bad-settlement-period', `settlement period ${period} does not exist on ${settlementDate}; expected an integer 1..${n}`);
  }
  return localDayStartMs(settlementDate, tz) + (period - 1) * HALF_HOUR_MS;
}

/** The period containing atMs (startMs <= atMs < endMs). */
export function periodAt(atMs: number, resolution: Resolution, tz: string = DEFAULT_TZ): PeriodInfo {
  if (!Number.isFinite(atMs)) throw new ConfigError('bad-time', `time ${atMs} is not a finite number of ms since the epoch`);
  const len = resolutionMs(resolution);
  const startMs = Math.floor(atMs / len) * len;
  const settlementDate = localDate(startMs, tz);
  // Counted from the day start, never from the wall-clock hour (01:00-02:00 happens twice on the long day).
  const settlementPeriod = resolution === 'PT30M' ? (startMs - localDayStartMs(settlementDate, tz)) / HALF_HOUR_MS + 1 : null;
  return { startMs, endMs: startMs + len, resolution, settlementDate, settlementPeriod };
}

/** Every period overlapping [fromMs, toMs); empty when toMs <= fromMs. */
export function periodsBetween(fromMs: number, toMs: number, resolution: Resolution, tz: string = DEFAULT_TZ): PeriodInfo[] {
  const out: PeriodInfo[] = [];
  if (!(toMs > fromMs)) return out;
  const len = resolutionMs(resolution);
  if ((toMs - fromMs) / len > 400 * (DAY_MS / len)) {
    throw new ConfigError('range-too-long', `periodsBetween covers more than 400 days (${fromMs}..${toMs}); expected a shorter range`);
  }
  for (let s = Math.floor(fromMs / len) * len; s < toMs; s += len) out.push(periodAt(s, resolution, tz));
  return out;
}
