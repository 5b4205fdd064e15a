// A gateway publishing PT15M and PT30M of the same register: every export picks the resolution it needs and sums
// exactly, never adding a quarter hour and its half hour together. The oracle is the generating pattern of the
// quarter hours (dataset.ts), not the exporter's own arithmetic.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildAxleReadings } from '../../../host-cli/exports/axle.js';
import { buildDtcFile } from '../../../host-cli/exports/dtc.js';
import { buildEleringMessages } from '../../../host-cli/exports/elering.js';
import { buildVolueReport, parseVolueEvent } from '../../../host-cli/exports/volue.js';
import { mixedDayRecords } from './dataset.js';

const ASSET = '0b9f6c1e-3a57-4a43-9d6e-2f1c1b7c9a10';
const CHARGER = { gw1: 'charger' };
const EIC = '38ZEE-00000001-Q';
const DAY = '2026-10-25'; // the 50-period day
const DAY_START = Date.parse('2026-10-24T23:00:00Z');
const { records, quarterWh } = mixedDayRecords('gw1', [DAY]);
const halfWh = (ms: number, ch: 'import' | 'export'): number => quarterWh(ms, ch) + quarterWh(ms + 900_000, ch);
const ids = { newId: () => '00000000-0000-4000-8000-000000000001', now: () => Date.parse('2026-10-26T08:00:00Z') };

test('elering PT15M: 100 quarter hours per direction, each its own quarter; PT1H: 25 hours, each four quarters', () => {
  const q = buildEleringMessages(records, { resolution: 'PT15M', meterMap: { gw1: EIC }, ...ids })[0]!.body.periods[0]!.aI;
  assert.is(q.length, 100);
  for (const ai of q) {
    const ms = Date.parse(ai.pS);
    assert.is(ai.outQty!.kwh.wh, BigInt(quarterWh(ms, 'import')), ai.pS);
    assert.is(ai.inQty!.kwh.wh, BigInt(quarterWh(ms, 'export')), ai.pS);
  }
  const h = buildEleringMessages(records, { resolution: 'PT1H', meterMap: { gw1: EIC }, ...ids })[0]!.body.periods[0]!.aI;
  assert.is(h.length, 25);
  for (const ai of h) {
    const ms = Date.parse(ai.pS);
    assert.is(ai.outQty!.kwh.wh, BigInt(halfWh(ms, 'import') + halfWh(ms + 1_800_000, 'import')), ai.pS);
  }
});

test('dtc: 50 settlement periods per AMSID, each the half hour (not half hour + quarters)', () => {
  const f = buildDtcFile(records, { fromDate: DAY, toDate: '2026-10-26', fileId: '1', fromRole: 'C', fromMpid: 'AMSG', toRole: 'X', toMpid: 'ELEX', now: ids.now });
  const lines = f.text.split('\n');
  const ai = lines.findIndex((l) => l.startsWith('A01|1900000000017|AI|'));
  const periods = lines.slice(ai + 2, ai + 52);
  assert.is(periods.length, 50);
  periods.forEach((l, k) => {
    const wh = halfWh(DAY_START + k * 1_800_000, 'import');
    assert.is(l, `A03|${k + 1}|A|${Math.floor(wh / 1000)}.${String(wh % 1000).padStart(3, '0')}|`);
  });
});

test('axle and volue: half hours and hours, each counted once', () => {
  const body = buildAxleReadings(records, { assetMap: { gw1: ASSET }, roles: CHARGER, skipUnlabelled: true });
  assert.is(body.readings.length, 50);
  body.readings.forEach((r) => assert.is(r.value.wh, BigInt(halfWh(Date.parse(r.start_timestamp), 'import'))));
  const event = parseVolueEvent(JSON.stringify({ eventId: 'e1', hours: ['2026-10-25T16:00:00Z'] }));
  const report = buildVolueReport(records, event, { gw1: { resourceId: 'r', locationId: 'l' } }) as { payloads: { curvePoints: { kiloWattHours: { wh: bigint } }[] }[] };
  const at = Date.parse('2026-10-25T16:00:00Z');
  assert.is(report.payloads[0]!.curvePoints[0]!.kiloWattHours.wh, BigInt(halfWh(at, 'import') + halfWh(at + 1_800_000, 'import')));
});

test('a half hour missing its PT30M record is built from its two quarters; missing both ways it is refused', () => {
  const hole = Date.parse('2026-10-25T10:00:00Z');
  const noHalf = records.filter((r) => !(r.period.resolution === 'PT30M' && Date.parse(r.period.start) === hole));
  const body = buildAxleReadings(noHalf, { assetMap: { gw1: ASSET }, roles: CHARGER, skipUnlabelled: true });
  assert.is(body.readings.find((r) => Date.parse(r.start_timestamp) === hole)!.value.wh, BigInt(halfWh(hole, 'import')));
  const noQuarter = noHalf.filter((r) => Date.parse(r.period.start) !== hole + 900_000);
  assert.throws(() => buildAxleReadings(noQuarter, { assetMap: { gw1: ASSET }, roles: CHARGER, skipUnlabelled: true }), /not fully covered by any one resolution/);
  // Elering PT15M needs quarter hours: a half hour with no quarters cannot be split.
  const noQuarters = records.filter((r) => !(r.period.resolution === 'PT15M' && Date.parse(r.period.start) >= hole && Date.parse(r.period.start) < hole + 1_800_000));
  assert.throws(() => buildEleringMessages(noQuarters, { resolution: 'PT15M', meterMap: { gw1: EIC }, ...ids }), /no finer data covers 2026-10-25T10:00:00.000Z/);
});

test.run();
