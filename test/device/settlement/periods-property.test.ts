// Properties of period labelling over 2020-2032 in Europe/London, checked against independent facts: local wall
// clock from Intl, and the count of half hours that share a settlement date.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { localDate, periodAt, settlementPeriodStart, settlementPeriodsInDay, tzOffsetMs } from '../../../device/settlement/periods.js';

const HH = 1_800_000;
const timeArb = fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2032-12-31T00:00:00Z') });

test('a PT30M period contains its time, round-trips through (date, SP), and SP follows local time', () => {
  fc.assert(
    fc.property(timeArb, (t) => {
      const p = periodAt(t, 'PT30M');
      assert.ok(p.startMs <= t && t < p.endMs);
      assert.is(p.endMs - p.startMs, HH);
      const n = settlementPeriodsInDay(p.settlementDate);
      assert.ok(p.settlementPeriod! >= 1 && p.settlementPeriod! <= n);
      assert.is(settlementPeriodStart(p.settlementDate, p.settlementPeriod!), p.startMs);
      // On a day without a clock change SP = 2 x local hour + local half + 1.
      if (n === 48) {
        const local = p.startMs + tzOffsetMs(p.startMs);
        const minutesOfDay = Math.floor((local % 86_400_000) / 60_000);
        assert.is(p.settlementPeriod, minutesOfDay / 30 + 1);
      }
    }),
    { numRuns: 2000 },
  );
});

test('settlementPeriodsInDay equals the number of half hours whose local date is that day', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 12 * 366 }), (dayIndex) => {
      const noon = Date.parse('2020-01-01T12:00:00Z') + dayIndex * 86_400_000;
      const day = localDate(noon);
      let count = 0;
      for (let s = Math.floor(noon / HH) * HH - 16 * 3_600_000; s < noon + 16 * 3_600_000; s += HH) if (localDate(s) === day) count++;
      assert.is(settlementPeriodsInDay(day), count);
    }),
    { numRuns: 300 },
  );
});

test('exactly two days a year have 46 and 50 periods', () => {
  for (const year of [2025, 2026, 2027]) {
    const counts = new Map<number, string[]>();
    for (let t = Date.UTC(year, 0, 1, 12); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
      const d = localDate(t);
      const n = settlementPeriodsInDay(d);
      counts.set(n, [...(counts.get(n) ?? []), d]);
    }
    assert.is(counts.get(46)!.length, 1);
    assert.is(counts.get(50)!.length, 1);
    assert.ok(counts.get(46)![0]!.startsWith(`${year}-03-`));
    assert.ok(counts.get(50)![0]!.startsWith(`${year}-10-`));
  }
});

test.run();
