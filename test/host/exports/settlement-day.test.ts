import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { periodStart, periodsInDay, settlementDayStart, settlementPeriodOf } from '../../../host-cli/exports/settlement-day.js';

test('every half hour of 2025-2027 maps to one settlement date and period and back', () => {
  const from = Date.parse('2025-01-01T00:00:00Z') / 1_800_000;
  const to = Date.parse('2027-12-31T00:00:00Z') / 1_800_000;
  fc.assert(
    fc.property(fc.integer({ min: from, max: to }), (k) => {
      const ms = k * 1_800_000;
      const sp = settlementPeriodOf(ms);
      return sp.period >= 1 && sp.period <= periodsInDay(sp.date) && periodStart(sp.date, sp.period) === ms;
    }),
    { numRuns: 3000 },
  );
});

test('clock-change days and their period starts (standards.md §1.2)', () => {
  assert.is(new Date(settlementDayStart('2026-07-01')).toISOString(), '2026-06-30T23:00:00.000Z');
  assert.is(new Date(settlementDayStart('2026-01-15')).toISOString(), '2026-01-15T00:00:00.000Z');
  // Long day: SP3 = 01:00 BST = 00:00 GMT; the local hour 01:00-02:00 happens twice (SP3-6).
  assert.is(new Date(periodStart('2026-10-25', 3)).toISOString(), '2026-10-25T00:00:00.000Z');
  assert.is(new Date(periodStart('2026-10-25', 50)).toISOString(), '2026-10-25T23:30:00.000Z');
  // Short day: SP3 = 02:00 BST = 01:00 GMT.
  assert.is(new Date(periodStart('2026-03-29', 3)).toISOString(), '2026-03-29T01:00:00.000Z');
  assert.is(new Date(periodStart('2026-03-29', 46)).toISOString(), '2026-03-29T22:30:00.000Z');
  assert.throws(() => periodStart('2026-03-29', 47), /1\.\.46/);
  assert.throws(() => settlementPeriodOf(Date.parse('2026-03-29T01:15:00Z')), /half-hour/);
});

test.run();
