// GB working days: Monday to Friday except bank holidays. The bank holiday list is data, with its status per year.
//
// STATUS: 2025-2028 [V] GOV.UK bank-holidays.json, division england-and-wales (fixtures/calendar/ holds the dates
// and where they were read; test/host/dc/estimation.test.ts holds this table to them). 2029 [U]: not yet published
// there; derived from the usual rules (New Year, Good Friday, Easter Monday, first and last Monday of May, last
// Monday of August, Christmas, Boxing Day, substitute days for weekends). Scotland and Northern Ireland differ;
// settlement uses the England and Wales list [U]. Check and extend this table; nothing else needs to change.
import { ConfigError } from '../../../drivers/errors.js';

export const GB_BANK_HOLIDAYS_SOURCE = [
  { years: '2025-2028', status: '[V]', source: 'gov.uk/bank-holidays.json england-and-wales (cached copy of 2026-08-07, fixtures/calendar/gov-uk-bank-holidays-england-and-wales.json)' },
  { years: '2029', status: '[U]', source: 'not yet published by GOV.UK when checked; derived from the usual rules' },
] as const;

export const GB_BANK_HOLIDAYS: readonly string[] = [
  '2025-01-01', '2025-04-18', '2025-04-21', '2025-05-05', '2025-05-26', '2025-08-25', '2025-12-25', '2025-12-26',
  '2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28',
  '2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28',
  '2028-01-03', '2028-04-14', '2028-04-17', '2028-05-01', '2028-05-29', '2028-08-28', '2028-12-25', '2028-12-26',
  '2029-01-01', '2029-03-30', '2029-04-02', '2029-05-07', '2029-05-28', '2029-08-27', '2029-12-25', '2029-12-26',
];

const HOLIDAYS = new Set(GB_BANK_HOLIDAYS);
const FIRST_YEAR = 2025;
const LAST_YEAR = 2029;

function checkCovered(date: string): void {
  const y = Number(date.slice(0, 4));
  if (!(y >= FIRST_YEAR && y <= LAST_YEAR)) {
    throw new ConfigError('calendar-range', `${date} is outside the bank holiday table (${FIRST_YEAR}-${LAST_YEAR}, host-cli/dc/calendar/working-days.ts); extend the table`);
  }
}

export function addCalendarDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function isWorkingDay(date: string): boolean {
  checkCovered(date);
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6 && !HOLIDAYS.has(date);
}

/** The date `n` working days after `date` (n > 0) or before it (n < 0); `date` itself is not counted. */
export function addWorkingDays(date: string, n: number): string {
  let d = date;
  let left = Math.abs(n);
  const step = n >= 0 ? 1 : -1;
  while (left > 0) {
    d = addCalendarDays(d, step);
    if (isWorkingDay(d)) left--;
  }
  return d;
}
