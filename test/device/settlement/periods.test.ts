import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  localDayStartMs,
  periodAt,
  periodsBetween,
  settlementPeriodStart,
  settlementPeriodsInDay,
  tzOffsetMs,
} from '../../../device/settlement/periods.js';

const utc = (iso: string): number => Date.parse(iso);
const HH = 1_800_000;

test('46 / 48 / 50 settlement periods on the short, a normal and the long day (2026)', () => {
  assert.is(settlementPeriodsInDay('2026-03-29'), 46);
  assert.is(settlementPeriodsInDay('2026-03-28'), 48);
  assert.is(settlementPeriodsInDay('2026-06-15'), 48);
  assert.is(settlementPeriodsInDay('2026-10-25'), 50);
  assert.is(settlementPeriodsInDay('2026-10-26'), 48);
});

test('SP1 and SP3 start at the UTC times of Elexon\'s conversion table', () => {
  // winter: SP1 = 00:00 GMT
  assert.is(settlementPeriodStart('2026-01-15', 1), utc('2026-01-15T00:00:00Z'));
  // summer: SP1 = 00:00 BST = 23:00 GMT the day before
  assert.is(settlementPeriodStart('2026-07-01', 1), utc('2026-06-30T23:00:00Z'));
  // short day: SP1 00:00 GMT, SP3 = 02:00 BST = 01:00 GMT
  assert.is(settlementPeriodStart('2026-03-29', 1), utc('2026-03-29T00:00:00Z'));
  assert.is(settlementPeriodStart('2026-03-29', 3), utc('2026-03-29T01:00:00Z'));
  assert.is(settlementPeriodStart('2026-03-29', 46), utc('2026-03-29T22:30:00Z'));
  // long day: SP1 = 00:00 BST = 23:00 GMT on the 24th, SP3 = 01:00 BST = 00:00 GMT
  assert.is(settlementPeriodStart('2026-10-25', 1), utc('2026-10-24T23:00:00Z'));
  assert.is(settlementPeriodStart('2026-10-25', 3), utc('2026-10-25T00:00:00Z'));
  assert.is(settlementPeriodStart('2026-10-25', 5), utc('2026-10-25T01:00:00Z'));
  assert.is(settlementPeriodStart('2026-10-25', 50), utc('2026-10-25T23:30:00Z'));
  assert.throws(() => settlementPeriodStart('2026-03-29', 47), /does not exist/);
  assert.throws(() => settlementPeriodStart('2026-02-30', 1), /not a calendar date/);
});

test('periodAt numbers the twice-occurring 01:00-02:00 hour of the long day 3,4 then 5,6', () => {
  const a = periodAt(utc('2026-10-25T00:10:00Z'), 'PT30M'); // 01:10 BST (first time)
  const b = periodAt(utc('2026-10-25T01:10:00Z'), 'PT30M'); // 01:10 GMT (second time)
  assert.equal([a.settlementDate, a.settlementPeriod], ['2026-10-25', 3]);
  assert.equal([b.settlementDate, b.settlementPeriod], ['2026-10-25', 5]);
  assert.is(a.startMs, utc('2026-10-25T00:00:00Z'));
  assert.is(a.endMs - a.startMs, HH);
  const last = periodAt(utc('2026-10-25T23:59:59.999Z'), 'PT30M');
  assert.equal([last.settlementDate, last.settlementPeriod], ['2026-10-25', 50]);
});

test('the BST settlement day starts at 23:00 UTC the day before', () => {
  const p = periodAt(utc('2026-07-01T23:15:00Z'), 'PT30M');
  assert.equal([p.settlementDate, p.settlementPeriod], ['2026-07-02', 1]);
  const q = periodAt(utc('2026-07-01T22:59:59.999Z'), 'PT30M');
  assert.equal([q.settlementDate, q.settlementPeriod], ['2026-07-01', 48]);
});

test('every period of a clock-change day in sequence: numbered 1..n, contiguous', () => {
  for (const [day, n] of [['2026-03-29', 46], ['2026-10-25', 50], ['2026-05-05', 48]] as const) {
    const start = localDayStartMs(day);
    const ps = periodsBetween(start, start + n * HH, 'PT30M');
    assert.is(ps.length, n);
    ps.forEach((p, i) => {
      assert.is(p.settlementPeriod, i + 1);
      assert.is(p.settlementDate, day);
      if (i > 0) assert.is(p.startMs, ps[i - 1]!.endMs);
    });
    const after = periodAt(start + n * HH, 'PT30M');
    assert.is(after.settlementPeriod, 1);
  }
});

test('PT15M / PT60M: UTC-aligned, no settlement period number, date of the start', () => {
  const q = periodAt(utc('2026-10-25T00:20:00Z'), 'PT15M');
  assert.equal([q.startMs, q.endMs, q.settlementPeriod, q.settlementDate], [utc('2026-10-25T00:15:00Z'), utc('2026-10-25T00:30:00Z'), null, '2026-10-25']);
  const h = periodAt(utc('2026-06-30T23:30:00Z'), 'PT60M');
  assert.equal([h.startMs, h.settlementPeriod, h.settlementDate], [utc('2026-06-30T23:00:00Z'), null, '2026-07-01']);
  assert.is(periodsBetween(utc('2026-03-29T00:00:00Z'), utc('2026-03-30T00:00:00Z'), 'PT15M').length, 96);
  assert.is(periodsBetween(10, 10, 'PT60M').length, 0);
  // overlapping, not contained: a range inside one period yields that period
  assert.is(periodsBetween(utc('2026-01-01T00:10:00Z'), utc('2026-01-01T00:11:00Z'), 'PT60M').length, 1);
});

test('tz offset from Intl and bad inputs are named', () => {
  assert.is(tzOffsetMs(utc('2026-07-01T12:00:00Z')), 3_600_000);
  assert.is(tzOffsetMs(utc('2026-01-01T12:00:00Z')), 0);
  assert.throws(() => periodAt(0, 'PT30M', 'Mars/Olympus'), /time zone "Mars\/Olympus"/);
  assert.throws(() => periodAt(0, 'PT5M' as never), /PT15M, PT30M or PT60M/);
});

test.run();
