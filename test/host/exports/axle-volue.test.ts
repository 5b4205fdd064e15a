import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildAxleReadings } from '../../../host-cli/exports/axle.js';
import { stringifyWithKwh } from '../../../host-cli/exports/kwh.js';
import { buildVolueReport, parseVolueEvent } from '../../../host-cli/exports/volue.js';
import { latestRevisions } from '../../../host-cli/exports/intervals.js';
import { assertGolden, dayRecords } from './dataset.js';

const ASSET = '0b9f6c1e-3a57-4a43-9d6e-2f1c1b7c9a10';
const CHARGER = { gw1: 'charger' };

test('axle: 30-minute consumption and lifetime readings, positive = import, golden file', () => {
  const { records } = dayRecords('gw1', ['2026-10-25']);
  const first6 = records.filter((r) => Date.parse(r.period.start) < Date.parse('2026-10-25T02:00:00Z'));
  const body = buildAxleReadings(first6, { assetMap: { 'gw1/m1': ASSET }, roles: CHARGER, lifetime: true, skipUnlabelled: true });
  assert.is(body.readings.length, 12);
  assert.ok(body.readings.every((r) => r.label === 'charger_consumption_energy_kwh' || r.start_timestamp === r.end_timestamp));
  assertGolden('axle-2026-10-25.json', `${stringifyWithKwh(body)}\n`);
});

test('axle: 15-minute intervals pair up exactly; refusals for negatives, export, estimates, missing map, hourly data, half a pair', () => {
  const q = dayRecords('gw1', ['2026-06-01'], 'PT15M').records.filter((r) => r.channel === 'import');
  const body = buildAxleReadings(q, { assetMap: { gw1: ASSET }, roles: CHARGER });
  assert.is(body.readings.length, 48);
  assert.is(body.readings[0]!.value.wh, BigInt(q[0]!.energyWh + q[1]!.energyWh));
  const neg = q.map((r, i) => (i === 3 ? { ...r, energyWh: -2, energyKwh: '-0.002' } : r));
  assert.throws(() => buildAxleReadings(neg, { assetMap: { gw1: ASSET }, roles: CHARGER }), /must be >= 0/);
  const both = dayRecords('gw1', ['2026-06-01']).records;
  assert.throws(() => buildAxleReadings(both, { assetMap: { gw1: ASSET }, roles: CHARGER }), /have no Axle label/);
  const est = dayRecords('gw1', ['2026-06-01'], 'PT30M', { estimatedEvery: 5 }).records.filter((r) => r.channel === 'import');
  assert.throws(() => buildAxleReadings(est, { assetMap: { gw1: ASSET }, roles: CHARGER }), /estimated/);
  assert.throws(() => buildAxleReadings(q, { assetMap: { other: ASSET }, roles: CHARGER }), /no Axle asset id/);
  assert.throws(() => buildAxleReadings(q, { assetMap: { gw1: 'not-a-uuid' }, roles: CHARGER }), /not a UUID/);
  const hourly = dayRecords('gw1', ['2026-06-01'], 'PT60M').records.filter((r) => r.channel === 'import');
  assert.throws(() => buildAxleReadings(hourly, { assetMap: { gw1: ASSET }, roles: CHARGER }), /cannot be split/);
  assert.throws(() => buildAxleReadings(q.slice(1), { assetMap: { gw1: ASSET }, roles: CHARGER }), /not fully covered/);
  const shifted = q.map((r, i) => (i === 0 ? { ...r, period: { ...r.period, start: '2026-05-31T23:10:00.000Z', end: '2026-05-31T23:25:00.000Z' } } : r));
  assert.throws(() => buildAxleReadings(shifted, { assetMap: { gw1: ASSET }, roles: CHARGER }), /not aligned to its resolution/);
});

test('latest revision wins for each interval', () => {
  const { records, sim } = dayRecords('gw1', ['2026-06-01']);
  const r0 = records[0]!;
  const rev = sim.interval({ start: r0.period.start, channel: r0.channel, energyWh: 999, revision: 1, meter: 'm1', amsid: r0.amsid }).payload;
  const latest = latestRevisions([...records, rev]);
  assert.is(latest.length, records.length);
  assert.is(latest.find((r) => r.period.start === r0.period.start && r.channel === 'import')!.energyWh, 999);
});

test('volue: only the event hours, hourly kWh from half hours, UTC start-of-hour timestamps, golden file', () => {
  const { records } = dayRecords('gw1', ['2026-10-25']);
  const event = parseVolueEvent(JSON.stringify({ eventId: '4d552526-25c1-42e6-8c4b-7c1f1dc666a4', hours: ['2026-10-25T16:00:00Z', '2026-10-25T17:00:00.000Z', '2026-10-25T01:00:00+00:00'] }));
  const report = buildVolueReport(records, event, { gw1: { resourceId: 'ccbde8e6-39c0-4234-b7aa-03488e507cf6', locationId: '47aad69f-0fb4-479a-aa73-45b5beab7340' } }) as {
    payloads: { curvePoints: { timestamp: string }[]; resolution: string; payloadType: string }[];
  };
  assert.equal(report.payloads[0]!.curvePoints.map((p) => p.timestamp), ['2026-10-25T01:00:00.000Z', '2026-10-25T16:00:00.000Z', '2026-10-25T17:00:00.000Z']);
  assert.is(report.payloads[0]!.resolution, '01:00:00');
  assert.is(report.payloads[0]!.payloadType, 'EnergyUsage');
  assertGolden('volue-2026-10-25.json', `${stringifyWithKwh(report)}\n`);
  assert.throws(() => parseVolueEvent('{"eventId":"x","hours":["2026-10-25T16:30:00Z"]}'), /not the start of a UTC hour/);
  assert.throws(() => parseVolueEvent('{"eventId":"x","hours":["2026-10-25T16:00:00Z"],"resolution":"00:15:00"}'), /only 01:00:00/);
  const holed = records.filter((r) => r.period.start !== '2026-10-25T16:30:00.000Z');
  assert.throws(() => buildVolueReport(holed, event, { gw1: { resourceId: 'r', locationId: 'l' } }), /not fully covered/);
});

test.run();
