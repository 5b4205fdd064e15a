import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildDtcFile, type DtcOptions } from '../../../host-cli/exports/dtc.js';
import { settlementPeriodsInDay as periodsInDay } from '../../../device/settlement/periods.js';
import { assertGolden, dayRecords } from './dataset.js';

const base = (from: string, to: string): DtcOptions => ({
  fromDate: from, toDate: to, fileId: '0000000042', fromRole: 'C', fromMpid: 'AMSG', toRole: 'X', toMpid: 'ELEX',
  now: () => Date.parse('2026-10-26T09:30:00Z'),
});

test('settlement day lengths: 50 on 2026-10-25, 46 on 2026-03-29, 48 otherwise', () => {
  assert.is(periodsInDay('2026-10-25'), 50);
  assert.is(periodsInDay('2026-03-29'), 46);
  assert.is(periodsInDay('2026-06-01'), 48);
});

test('long day 2026-10-25: 50 periods per AMSID, golden file byte-exact', () => {
  const { records } = dayRecords('gw1', ['2026-10-25'], 'PT30M', { estimatedEvery: 7 });
  const f = buildDtcFile(records, base('2026-10-25', '2026-10-26'));
  const lines = f.text.trimEnd().split('\n');
  assert.is(lines.filter((l) => l.startsWith('A03|')).length, 100);
  assert.ok(lines.every((l) => l.endsWith('|')));
  assert.is(f.records, 2 * (1 + 1 + 50));
  assert.ok(lines[lines.length - 1]!.startsWith(`ZPT|0000000042|${f.records}||1|`));
  assertGolden('dtc-2026-10-25.txt', f.text);
});

test('short day 2026-03-29 built from 15-minute intervals: 46 periods, golden file byte-exact', () => {
  const { records } = dayRecords('gw1', ['2026-03-29'], 'PT15M');
  const f = buildDtcFile(records, { ...base('2026-03-29', '2026-03-30'), testFlag: 'TR01' });
  assert.is(f.text.split('\n').filter((l) => l.startsWith('A03|')).length, 92);
  assertGolden('dtc-2026-03-29.txt', f.text);
});

test('refuses an incomplete day, a negative value, an hourly source and a wrong settlement period label', () => {
  const { records } = dayRecords('gw1', ['2026-06-01']);
  const opts = base('2026-06-01', '2026-06-02');
  assert.throws(() => buildDtcFile(records.filter((r) => r.period.settlementPeriod !== 17), opts), /lacks period\(s\) 17/);
  const neg = records.map((r, i) => (i === 4 ? { ...r, energyWh: -1, energyKwh: '-0.001' } : r));
  assert.throws(() => buildDtcFile(neg, opts), /-1 Wh/);
  const hourly = dayRecords('gw1', ['2026-06-01'], 'PT60M').records;
  assert.throws(() => buildDtcFile(hourly, opts), /cannot be split/);
  const wrongSp = records.map((r, i) => (i === 0 ? { ...r, period: { ...r.period, settlementPeriod: 2 } } : r));
  assert.throws(() => buildDtcFile(wrongSp, opts), /period 1/);
  assert.throws(() => buildDtcFile(records, { ...opts, fromMpid: 'toolong' }), /4-character/);
});

test.run();
