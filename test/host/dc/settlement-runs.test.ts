// Volume allocation runs: dates counted by hand from the calendar; a run's file holds actual or estimated data; a
// later run sends only the AMSIDs whose values changed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runsFor } from '../../../host-cli/dc/settlement/run-calendar.js';
import { buildRunFile, changedDays, dayData } from '../../../host-cli/dc/settlement/run-submission.js';
import type { StoredEstimate } from '../../../host-cli/dc/dc-tables.js';
import { dayRecords } from '../exports/dataset.js';
import { amsgate, tempCollector } from './cli.js';

test('run dates in working days: SF of Mon 2026-06-01 is Tue 23 June; over Christmas the bank holidays are skipped', () => {
  const june = runsFor('2026-06-01');
  assert.equal(june.map((r) => r.run), ['II', 'SF', 'R1', 'R2', 'R3', 'RF', 'DF']);
  const sf = june.find((r) => r.run === 'SF')!;
  assert.is(sf.runDate, '2026-06-23'); // 2-5, 8-12, 15-19, 22-23 June: 16 working days
  assert.is(sf.submitBy, '2026-06-23');
  assert.is(runsFor('2026-06-01', 'AMHHDC').find((r) => r.run === 'SF')!.submitBy, '2026-06-18');
  assert.is(june.find((r) => r.run === 'II')!.runDate, '2026-06-08');
  // 15-18, 21-24 Dec (8), 25 and 28 Dec holidays, 29-31 Dec (11), 1 Jan holiday, 4-8 Jan (16).
  assert.is(runsFor('2026-12-14').find((r) => r.run === 'SF')!.runDate, '2027-01-08');
});

const { records, compacts, sim } = dayRecords('gw1', ['2026-06-01']);
const gap = records.find((r) => r.channel === 'import' && r.period.settlementPeriod === 20)!;
const estimate: StoredEstimate = {
  amsid: gap.amsid, periodStart: Date.parse(gap.period.start), revision: 0, device: 'gw1', meter: 'm1', channel: 'import', energyWh: gap.energyWh,
  method: 'register-bracket', basis: 'test', state: 'active', replacedBy: null, createdAt: 0, updatedAt: 0,
};
const opts = { fileId: '7', fromRole: 'C', fromMpid: 'AMSG', toRole: 'X', toMpid: 'ELEX', now: () => 0 };

test('a run file fills the gap with its estimate (E); unchanged AMSIDs are left out; actual data replacing the estimate is resent', () => {
  const holed = records.filter((r) => r !== gap);
  const data = dayData(holed, [estimate], '2026-06-01');
  const first = buildRunFile('SF', '2026-06-01', data, [], opts);
  assert.equal(first.included.map((d) => [d.amsid, d.because, d.estimatedPeriods]), [['1900000000017', 'first', 1], ['1900000000025', 'first', 0]]);
  assert.match(first.text!, /\nA03\|20\|E\|/);
  const sent = first.included.map((d) => ({ amsid: d.amsid, valuesHash: d.valuesHash }));
  const again = buildRunFile('R1', '2026-06-01', data, sent, opts);
  assert.equal(again.included, []);
  assert.is(again.text, null);
  assert.equal(again.unchanged, ['1900000000017', '1900000000025']);
  // The actual record arrives: the estimate gives way (dayData never uses an estimate where actual data is).
  const later = changedDays(dayData(records, [estimate], '2026-06-01'), sent);
  assert.equal(later.map((d) => [d.amsid, d.because, d.estimatedPeriods]), [['1900000000017', 'changed', 0]]);
});

test('CLI: dc submissions SF, then R1 with nothing new sends nothing; dc runs shows what was sent', async () => {
  const c = await tempCollector(sim);
  try {
    await c.add(compacts);
    const base = ['dc', 'submissions', '--db', c.path, '--date', '2026-06-01', '--from-mpid', 'AMSG', '--to-mpid', 'ELEX', '--file-id', '9'];
    const sf = await amsgate([...base, '--run', 'SF']);
    assert.is(sf.code, 0, sf.stderr);
    assert.is(sf.stdout.split('\n').filter((l) => l.startsWith('A03|')).length, 96);
    assert.match(sf.stderr, /SF 2026-06-01: sent 1900000000017 \(first\), 1900000000025 \(first\)/);
    const r1 = await amsgate([...base, '--run', 'R1']);
    assert.is(r1.code, 0, r1.stderr);
    assert.is(r1.stdout, '');
    assert.match(r1.stderr, /nothing to send; unchanged since last sent: 1900000000017, 1900000000025/);
    const runs = await amsgate(['dc', 'runs', '--date', '2026-06-01', '--db', c.path, '--json']);
    const rows = JSON.parse(runs.stdout) as { run: string; submitted: string[] }[];
    assert.equal(rows.find((r) => r.run === 'SF')!.submitted, ['1900000000017', '1900000000025']);
    assert.equal(rows.find((r) => r.run === 'R1')!.submitted, []);
  } finally {
    c.cleanup();
  }
});

test.run();
