// GB settlement days (standards.md §1.2): a settlement day is the local Europe/London day; period 1 starts at local
// midnight, periods are 30 minutes, so a day has 46 (clocks forward), 48 or 50 (clocks back) periods.
const HALF_HOUR = 30 * 60_000;

const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

function localOf(ms: number): { date: string; hour: number; minute: number } {
  const parts = Object.fromEntries(londonParts.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour), minute: Number(parts.minute) };
}

function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

const startCache = new Map<string, number>();

/** UTC instant of local midnight starting settlement date `date` (YYYY-MM-DD). */
export function settlementDayStart(date: string): number {
  let v = startCache.get(date);
  if (v === undefined) {
    v = computeDayStart(date);
    if (startCache.size > 10_000) startCache.clear();
    startCache.set(date, v);
  }
  return v;
}

function computeDayStart(date: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    throw new RangeError(`settlement date "${date}" is not YYYY-MM-DD`);
  }
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  // London is UTC+0 or UTC+1: local midnight is either 00:00Z or 23:00Z the day before.
  for (const cand of [utcMidnight - 60 * 60_000, utcMidnight]) {
    const l = localOf(cand);
    if (l.date === date && l.hour === 0 && l.minute === 0) return cand;
  }
  throw new RangeError(`no local midnight found for ${date} in Europe/London`);
}

/** Number of settlement periods on a settlement date: 46, 48 or 50. */
export function periodsInDay(date: string): number {
  return (settlementDayStart(addDays(date, 1)) - settlementDayStart(date)) / HALF_HOUR;
}

/** Settlement date and period (1-based) of the half hour starting at `ms` (must be on a half-hour boundary). */
export function settlementPeriodOf(ms: number): { date: string; period: number } {
  if (ms % HALF_HOUR !== 0) throw new RangeError(`${new Date(ms).toISOString()} is not on a half-hour boundary`);
  // The local date is the UTC date or the day after (London is UTC+0 or UTC+1).
  const utcDate = new Date(ms).toISOString().slice(0, 10);
  const next = addDays(utcDate, 1);
  const date = ms >= settlementDayStart(next) ? next : utcDate;
  return { date, period: (ms - settlementDayStart(date)) / HALF_HOUR + 1 };
}

/** UTC start of settlement period `period` of `date`. */
export function periodStart(date: string, period: number): number {
  const n = periodsInDay(date);
  if (!Number.isInteger(period) || period < 1 || period > n) throw new RangeError(`${date} has settlement periods 1..${n}, not ${period}`);
  return settlementDayStart(date) + (period - 1) * HALF_HOUR;
}

export { addDays };
