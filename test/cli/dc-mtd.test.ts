// `amsgate dc mtd` run as a user runs it (spawned): the D0268 items, the P0303 registration and the CoP11/Fa loss
// rule as JSON and CSV, named after the data items they fill; a key field change issues a new version and marks the
// proving test due (dc validate fails the meter's periods) until `amsgate prove --collector-db` records a pass.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimDevice } from '../../host-cli/collector/sim-device.js';
import { buildRecord } from '../../host-cli/commissioning/commissioning-record.js';
import { fixedIdentity } from '../host/exports/dataset.js';
import { amsgate, tempCollector } from '../host/dc/cli.js';

const D0268_ITEMS = [
  'J0003 MPAN Core (Import AMSID)', 'Export AMSID', 'J0418 Meter CoP', 'Asset Metering Type', 'Outstation Id', 'J0471 Outstation Type',
  'Outstation Number of Channels', 'Asset Meter Id (Serial Number)', 'Asset Meter Make and Model', 'Measurement Quantity Id (import)',
  'Measurement Quantity Id (export)', 'CT Ratio', 'VT Ratio', 'Asset Meter Multiplier', 'Pulse Multiplier', 'J1687 Complex Site Indicator',
  'Measurement Transformers', 'Supply', 'Phases', 'Rated Voltage V', 'Rated Current (In) A', 'Maximum Current (Imax) A',
  'Commissioning Status', 'Date of Commissioning', 'Effective From Date',
];
const P0303_ITEMS = [
  'AMVLP or Supplier Id', 'Import AMSID', 'Export AMSID', 'Asset Meter Serial Number (Import)', 'Asset Meter Serial Number (Export)',
  'Outstation Type (Import)', 'Outstation Type (Export)', 'Asset Meter Make and Model (Import)', 'Asset Meter Make and Model (Export)',
  'Asset Meter Effective from Date (Import)', 'Asset Meter Effective from Date (Export)', 'Asset Meter Effective to Date (Import)',
  'Asset Meter Effective to Date (Export)', 'Asset Metering Type',
];

interface MtdJson {
  version: number;
  change: string;
  changedFields: string[];
  provingTestDue: boolean;
  meter: string;
  d0268: Record<string, unknown>;
  p0303: Record<string, unknown>;
  cop11Fa: Record<string, string>[];
}

test('dc mtd: JSON and CSV named after the data items; a serial change is version 1 and the proving test due until prove passes', async () => {
  const sim = new SimDevice(fixedIdentity('gw-mtd'));
  const c = await tempCollector(sim);
  try {
    // SP 37 of 2026-01-15: 3.70 kWh on the register (1523.41 -> 1527.11 kWh) x loss multiplier 1.02 = 3774 Wh.
    const iv = sim.interval({ start: '2026-01-15T18:00:00Z', meter: 'charger', amsid: '2000000000015', energyWh: 3774, registerStart: 152341n, whPerCount: '10' });
    await c.add([{ topic: 'amsgate/v1/gw-mtd/interval', compact: iv.compact }]);
    const meter = { id: 'charger', model: 'sdm630', connection: { tcp: '127.0.0.1:502' }, unit: 1, serial: '12345678', amsid: { import: '2000000000015', export: '2000000000024' }, role: 'battery', phases: 3, ratedVoltageV: 230, ratedCurrentA: 5, maxCurrentA: 100, compensation: { lossMultiplier: '1.02' } };
    const config = join(c.dir, 'gw.json');
    const writeConfig = (serial: string): void => writeFileSync(config, JSON.stringify({ deviceId: 'gw-mtd', storePath: join(c.dir, 'gwdata'), meters: [{ ...meter, serial }] }));
    writeConfig('12345678');
    const commissioning = join(c.dir, 'commissioning.json');
    writeFileSync(commissioning, JSON.stringify(buildRecord({
      deviceId: 'gw-mtd', at: Date.parse('2026-01-10T09:00:00Z'), installer: 'A. Fitter', keyFields: {}, checks: [], kid: null, publicJwk: null,
      meters: [{ id: 'charger', model: 'sdm630', makeModel: 'Eastron SDM630', serial: '12345678', serialReported: null, amsidImport: '2000000000015', amsidExport: '2000000000024', ctOperated: false, phases: 3 }],
    })));
    const mtd = (...more: string[]) => amsgate(['dc', 'mtd', '--db', c.path, '--commissioning', commissioning, '--config', config, '--amvlp-id', 'AMVL', '--outstation-type', 'ABC', ...more]);

    const first = await mtd('--at', '2026-01-12T00:00:00Z');
    assert.is(first.code, 0, first.stderr);
    const [v0] = JSON.parse(first.stdout) as MtdJson[];
    assert.equal([v0!.meter, v0!.version, v0!.change, v0!.provingTestDue], ['charger', 0, 'first', true]);
    assert.equal(Object.keys(v0!.d0268), D0268_ITEMS);
    assert.equal(Object.keys(v0!.p0303), P0303_ITEMS);
    assert.equal(v0!.d0268['J0003 MPAN Core (Import AMSID)'], '2000000000015');
    assert.equal(v0!.d0268['Outstation Number of Channels'], 2);
    assert.equal(v0!.d0268['J1687 Complex Site Indicator'], true);
    assert.equal(v0!.p0303['Asset Meter Effective from Date (Export)'], '2026-01-10');
    assert.equal(v0!.p0303['Asset Metering Type'], 5);
    assert.equal(v0!.cop11Fa, [
      { 'AMSID': '2000000000015', 'Aggregation Rule': '2000000000015 = [2000000000015 Asset Meter 12345678 channel AI] x 1.02', 'Loss Adjustment Reason': 'System Losses (Asset Meter not at the Defined Metering Point)' },
      { 'AMSID': '2000000000024', 'Aggregation Rule': '2000000000024 = [2000000000024 Asset Meter 12345678 channel AE] x 1.02', 'Loss Adjustment Reason': 'System Losses (Asset Meter not at the Defined Metering Point)' },
    ]);

    // CSV: one row per data item, the same names as the JSON, nothing else.
    const csv = await mtd('--format', 'csv');
    assert.is(csv.code, 0, csv.stderr);
    const lines = csv.stdout.trimEnd().split('\n');
    assert.is(lines[0], 'device,meter,document,data item,value');
    const rows = lines.slice(1).map((l) => /^gw-mtd,charger,(D0268|P0303|CoP11\/Fa),("[^"]*"|[^,]*),(.*)$/.exec(l)!.slice(1));
    const named = (doc: string) => rows.filter((r) => r[0] === doc).map((r) => r[1]!.replace(/^"|"$/g, ''));
    assert.equal(named('D0268'), D0268_ITEMS);
    assert.equal(named('P0303'), P0303_ITEMS);
    assert.equal(named('CoP11/Fa'), ['AMSID', 'Aggregation Rule', 'Loss Adjustment Reason', 'AMSID', 'Aggregation Rule', 'Loss Adjustment Reason']);
    assert.ok(lines.includes('gw-mtd,charger,CoP11/Fa,Aggregation Rule,2000000000015 = [2000000000015 Asset Meter 12345678 channel AI] x 1.02'), csv.stdout);
    assert.ok(lines.includes('gw-mtd,charger,D0268,Asset Meter Id (Serial Number),12345678'));

    // The meter is replaced: a key field change, version 1 effective --at, the proving test due.
    writeConfig('87654321');
    const out = join(c.dir, 'mtd-v1.json');
    const second = await mtd('--at', '2026-01-14T12:00:00Z', '--out', out);
    assert.is(second.code, 0, second.stderr);
    assert.equal(JSON.parse(second.stdout), [{ meter: 'charger', version: 1, change: 'key-field-change', changedFields: ['meter.charger.serial'], provingTestDue: true }]);
    const [v1] = JSON.parse(readFileSync(out, 'utf8')) as MtdJson[];
    assert.is(v1!.p0303['Asset Meter Serial Number (Import)'], '87654321');
    assert.is(v1!.p0303['Asset Meter Effective from Date (Import)'], '2026-01-14');

    // While due, the meter's periods fail validation with the named rule.
    const range = ['--db', c.path, '--from', '2026-01-15T18:00:00Z', '--to', '2026-01-15T18:30:00Z', '--json'];
    const due = await amsgate(['dc', 'validate', ...range]);
    assert.is(due.code, 1, due.stderr);
    const dj = JSON.parse(due.stdout) as { counts: Record<string, number>; findings: { verdict: string; findings: { rule: string; outcome: string }[] }[] };
    assert.equal(dj.counts, { invalid: 1 });
    assert.equal(dj.findings[0]!.findings.filter((f) => f.outcome === 'fail').map((f) => f.rule), ['key-field-change-without-proving-test']);

    // amsgate prove with the register readings records the pass in the collector store.
    const prove = await amsgate(['prove', '--config', config, '--period', '2026-01-15/37', '--collector-db', c.path, '--start-kwh', '1523.41', '--end-kwh', '1527.11', '--wait-s', '0', '--json']);
    assert.is(prove.code, 0, prove.stdout + prove.stderr);
    assert.is((JSON.parse(prove.stdout) as { provingTestsCleared: number }).provingTestsCleared, 2);

    const third = await mtd();
    assert.is(third.code, 0, third.stderr);
    assert.equal((JSON.parse(third.stdout) as MtdJson[]).map((v) => [v.version, v.change, v.provingTestDue]), [[1, 'unchanged', false]]);
    const ok = await amsgate(['dc', 'validate', ...range]);
    assert.is(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as { counts: Record<string, number> }).counts, { valid: 1 });
  } finally {
    c.cleanup();
  }
});

test('dc mtd: a record that is not a commissioning record, or a bad --format, is exit 2 naming what was expected', async () => {
  const sim = new SimDevice(fixedIdentity('gw-mtd'));
  const c = await tempCollector(sim);
  try {
    const bad = join(c.dir, 'not-a-record.json');
    writeFileSync(bad, JSON.stringify({ type: 'something-else' }));
    const r = await amsgate(['dc', 'mtd', '--db', c.path, '--commissioning', bad, '--config', bad]);
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, /--commissioning .*not-a-record.json: type is "something-else", expected "amsgate-commissioning"/);
    const f = await amsgate(['dc', 'mtd', '--db', c.path, '--commissioning', bad, '--config', bad, '--format', 'xml']);
    assert.is(f.code, 2, f.stderr);
    assert.match(f.stderr, /--format "xml": expected json or csv/);
  } finally {
    c.cleanup();
  }
});

test.run();
