// Axle labels follow the meter's role from configuration; estimated periods are handled by one rule everywhere.
// Oracles: the dataset's generating pattern (energyAt) and Axle's documented label table (seeds/000).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoConfig } from '../../../device/config/gateway-config.js';
import { buildAxleReadings } from '../../../host-cli/exports/axle.js';
import { buildDtcFile } from '../../../host-cli/exports/dtc.js';
import { buildEleringMessages } from '../../../host-cli/exports/elering.js';
import { rolesFromGatewayConfigs } from '../../../host-cli/exports/export-source.js';
import { buildVolueReport, parseVolueEvent } from '../../../host-cli/exports/volue.js';
import { dayRecords, energyAt } from './dataset.js';

const ASSET = '0b9f6c1e-3a57-4a43-9d6e-2f1c1b7c9a10';
const { records } = dayRecords('gw1', ['2026-06-01']); // 48 half hours, import and export, period i = 0..47
const kw3 = (w: number): string => `${w < 0 ? '-' : ''}${Math.floor(Math.abs(w) / 1000)}.${String(Math.abs(w) % 1000).padStart(3, '0')}`;

test('battery: battery_inverter_import_kw = average (import - export) power, signed, + charging', () => {
  const body = buildAxleReadings(records, { assetMap: { gw1: { assetId: ASSET, role: 'battery' } } });
  assert.is(body.readings.length, 48);
  body.readings.forEach((r, i) => {
    assert.is(r.label, 'battery_inverter_import_kw');
    // Wh in 30 minutes x 2 = average W.
    assert.is(r.value.toText(), kw3((energyAt(i, 'import') - energyAt(i, 'export')) * 2), r.start_timestamp);
  });
  assert.ok(body.readings.some((r) => r.value.wh < 0n), 'some half hours discharge');
  // Net needs both directions: a missing export half hour is refused, not taken as zero.
  const holed = records.filter((r) => !(r.channel === 'export' && r.period.settlementPeriod === 9));
  assert.throws(() => buildAxleReadings(holed, { assetMap: { gw1: { assetId: ASSET, role: 'battery' } } }), /export half hour missing/);
});

test('boundary: boundary_import_kw plus both lifetime registers; solar: solar_power_kw from the export channel', () => {
  const b = buildAxleReadings(records.slice(0, 4), { assetMap: { gw1: ASSET }, roles: { 'gw1/m1': 'boundary' }, lifetime: true });
  assert.equal(b.readings.map((r) => r.label), [
    'boundary_import_kw', 'boundary_lifetime_import_energy_kwh', 'boundary_lifetime_export_energy_kwh',
    'boundary_import_kw', 'boundary_lifetime_import_energy_kwh', 'boundary_lifetime_export_energy_kwh',
  ]);
  // Registers start at 1 000 000 Wh (dataset) and advance by the period's energy.
  assert.is(b.readings[1]!.value.wh, 1_000_000n + BigInt(energyAt(0, 'import')));
  assert.is(b.readings[2]!.value.wh, 1_000_000n + BigInt(energyAt(0, 'export')));
  assert.throws(() => buildAxleReadings(records, { assetMap: { gw1: { assetId: ASSET, role: 'solar' } } }), /import-channel interval\(s\).*no Axle label/);
  const s = buildAxleReadings(records, { assetMap: { gw1: { assetId: ASSET, role: 'solar' } }, skipUnlabelled: true });
  assert.ok(s.readings.every((r) => r.label === 'solar_power_kw'));
  assert.is(s.readings[5]!.value.toText(), kw3(energyAt(5, 'export') * 2));
});

test('the role comes from the gateway configuration; unknown, "other" and conflicting roles are refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-roles-'));
  try {
    const cfg = demoConfig(dir);
    const path = join(dir, 'gw.json');
    writeFileSync(path, JSON.stringify(cfg));
    const roles = rolesFromGatewayConfigs([path]);
    const battery = cfg.meters.find((m) => m.role === 'battery')!;
    assert.is(roles[`${cfg.deviceId}/${battery.id}`], 'battery');
    const recs = records.map((r) => ({ ...r, dev: cfg.deviceId, meter: { ...r.meter, id: battery.id } }));
    const body = buildAxleReadings(recs, { assetMap: { [cfg.deviceId]: ASSET }, roles });
    assert.ok(body.readings.every((r) => r.label === 'battery_inverter_import_kw'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => buildAxleReadings(records, { assetMap: { gw1: ASSET } }), /no role known/);
  assert.throws(() => buildAxleReadings(records, { assetMap: { gw1: ASSET }, roles: { gw1: 'other' } }), /role "other" has no Axle label/);
  assert.throws(() => buildAxleReadings(records, { assetMap: { gw1: { assetId: ASSET, role: 'solar' } }, roles: { gw1: 'battery' } }), /make them agree/);
});

test('estimated periods: elering and dtc mark them E; axle and volue refuse them unless allowed', () => {
  const est = dayRecords('gw1', ['2026-06-01'], 'PT30M', { estimatedEvery: 7 }).records; // period 3, 10, ... estimated
  const msgs = buildEleringMessages(est, { resolution: 'PT1H', meterMap: { gw1: '38ZEE-00000001-Q' }, newId: () => 'x', now: () => 0 });
  assert.is(msgs[0]!.body.periods[0]!.aI[1]!.outQty!.rType, 'E'); // hour 1 holds half hour 3
  assert.is(msgs[0]!.body.periods[0]!.aI[0]!.outQty!.rType, 'M');
  const dtc = buildDtcFile(est, { fromDate: '2026-06-01', toDate: '2026-06-02', fileId: '1', fromRole: 'C', fromMpid: 'AMSG', toRole: 'X', toMpid: 'ELEX', now: () => 0 });
  assert.match(dtc.text, /\nA03\|4\|E\|/);
  const roles = { gw1: 'battery' };
  assert.throws(() => buildAxleReadings(est, { assetMap: { gw1: ASSET }, roles }), /estimated.*--allow-estimated/);
  assert.is(buildAxleReadings(est, { assetMap: { gw1: ASSET }, roles, allowEstimated: true }).readings.length, 48);
  const event = parseVolueEvent(JSON.stringify({ eventId: 'e', hours: ['2026-06-01T00:00:00Z'] }));
  const res = { gw1: { resourceId: 'r', locationId: 'l' } };
  assert.throws(() => buildVolueReport(est, event, res), /estimated.*--allow-estimated/);
  assert.ok(buildVolueReport(est, event, res, { allowEstimated: true }));
});

test.run();
