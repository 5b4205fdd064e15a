// Estimation: bracketed gaps keep the register advance exactly and only split it; otherwise comparable days; never
// from nothing. Actual data replaces an estimate as a revision in dc_estimates.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteDcDb } from '../../../host-cli/dc/dc-db.js';
import { estimates, replaceByActual, saveEstimates } from '../../../host-cli/dc/dc-tables.js';
import { estimateSeries } from '../../../host-cli/dc/estimation/estimate.js';
import { seriesOf } from '../../../host-cli/dc/series.js';
import { GB_BANK_HOLIDAYS, isWorkingDay, addWorkingDays } from '../../../host-cli/dc/calendar/working-days.js';
import { dayRecords, energyAt } from '../exports/dataset.js';

// 2026-06-01 is a Monday; 8 days of half hours with a continuous register (1 Wh per count).
const days = ['2026-06-01', '2026-06-02', '2026-06-03', '2026-06-04', '2026-06-05', '2026-06-06', '2026-06-07', '2026-06-08'];
const { records } = dayRecords('gw1', days);
const imp = records.filter((r) => r.channel === 'import');
const series = seriesOf(imp)[0]!;
const from = Date.parse('2026-05-31T23:00:00Z');
const to = Date.parse('2026-06-08T23:00:00Z');

test('a gap bracketed by registers: the total is the register advance exactly, split linearly', () => {
  const gap = [100, 101, 102]; // import periods 100..102 (day 3)
  const holed = imp.filter((_, i) => !gap.includes(i));
  const { estimates: est, unestimated } = estimateSeries(holed, series, from, to);
  assert.equal(unestimated, []);
  assert.is(est.length, 3);
  assert.ok(est.every((e) => e.method === 'register-bracket'));
  const total = gap.reduce((n, i) => n + energyAt(i, 'import'), 0); // the advance the register made
  assert.is(est.reduce((n, e) => n + e.energyWh, 0), total);
  // Linear in time over three equal periods: floor(T*k/3) differences.
  assert.equal(est.map((e) => e.energyWh), [1, 2, 3].map((k) => Math.floor((total * k) / 3) - Math.floor((total * (k - 1)) / 3)));
  assert.equal(est.map((e) => e.startMs), gap.map((i) => Date.parse(imp[i]!.period.start)));
  assert.match(est[0]!.basis, /Wh over 3 period\(s\)/);
});

test('no register after the gap: the same settlement period of the previous comparable days; none -> unestimated', () => {
  const last = imp.length - 1; // Monday 2026-06-08, period 48
  const cut = imp.slice(0, last);
  const { estimates: est } = estimateSeries(cut, series, from, to);
  assert.is(est.length, 1);
  assert.is(est[0]!.method, 'previous-comparable-days');
  // Previous working days: Fri 5, Thu 4, Wed 3 June, the same period 48 (index 48*d + 47).
  const same = [4, 3, 2].map((d) => energyAt(48 * d + 47, 'import'));
  assert.is(est[0]!.energyWh, Math.floor(same.reduce((a, b) => a + b, 0) / 3));
  assert.match(est[0]!.basis, /2026-06-05 .*2026-06-04 .*2026-06-03/);
  // Sunday 7 June: the comparable days are the weekend before (Sat 6 June) only.
  const sunday = imp.filter((r) => r.period.settlementDate <= '2026-06-07' && !(r.period.settlementDate === '2026-06-07' && r.period.settlementPeriod! >= 40));
  const sun = estimateSeries(sunday, series, from, Date.parse('2026-06-07T23:00:00Z'));
  assert.is(sun.estimates[0]!.basis.includes('2026-06-06'), true);
  assert.is(sun.estimates[0]!.energyWh, energyAt(48 * 5 + 39, 'import'));
  const alone = estimateSeries([imp[0]!], series, from, from + 3 * 1_800_000);
  assert.equal(alone.estimates, []);
  assert.is(alone.unestimated.length, 2);
  assert.match(alone.unestimated[0]!.reason, /no actual data for the same period/);
});

test('a compensated channel without its configuration is not bracketed', () => {
  const comp = imp.map((r) => ({ ...r, energyWh: r.energyWh * 2 }));
  const holed = comp.filter((_, i) => i !== 150);
  const { estimates: est } = estimateSeries(holed, series, from, to);
  assert.is(est[0]!.method, 'previous-comparable-days');
  assert.match(est[0]!.basis, /compensated and no gateway configuration/);
});

test('stored estimates: unchanged ones are not rewritten, changed ones are revisions, actual data replaces them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-est-'));
  try {
    const db = await openSqliteDcDb(join(dir, 'dc.sqlite'));
    const holed = imp.filter((_, i) => i !== 100);
    const e1 = estimateSeries(holed, series, from, to).estimates;
    assert.is(await saveEstimates(db, e1, 1), 1);
    assert.is(await saveEstimates(db, e1, 2), 0);
    assert.is(await saveEstimates(db, [{ ...e1[0]!, energyWh: e1[0]!.energyWh + 1 }], 3), 1);
    const t = e1[0]!.startMs;
    assert.equal((await estimates(db, { amsid: series.amsid })).map((e) => [e.revision, e.state]), [[0, 'superseded'], [1, 'active']]);
    assert.is(await replaceByActual(db, series, new Map([[t, { id: imp[100]!.id }]]), 4), 1);
    const after = await estimates(db, { amsid: series.amsid });
    assert.equal(after.map((e) => [e.revision, e.state, e.replacedBy]), [[0, 'superseded', null], [1, 'replaced', imp[100]!.id]]);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('working days: weekends and the bank holiday table', () => {
  assert.is(isWorkingDay('2026-12-28'), false); // Boxing Day substitute
  assert.is(isWorkingDay('2026-06-05'), true);
  assert.is(addWorkingDays('2026-12-24', 1), '2026-12-29');
  assert.is(addWorkingDays('2026-06-08', -3), '2026-06-03');
  assert.throws(() => isWorkingDay('2031-01-02'), /outside the bank holiday table/);
  assert.is(isWorkingDay('2028-01-03'), false); // New Year's Day substitute
});

test('bank holiday table 2025-2028 is exactly GOV.UK\'s england-and-wales list (fixtures/calendar)', () => {
  const gov = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'fixtures', 'calendar', 'gov-uk-bank-holidays-england-and-wales.json'), 'utf8')) as { events: { date: string }[] };
  assert.equal(GB_BANK_HOLIDAYS.filter((d) => d < '2029'), gov.events.map((e) => e.date));
});

test.run();
