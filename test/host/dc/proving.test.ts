// Proving test: tolerance from the register's resolution (not the digits typed), raw register decoding against the
// makers' documented encodings, technical details versions on a key field change, and the proving test due until
// `amsgate prove` records a pass.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogEntry } from '../../../drivers/catalog.js';
import { systemClock, type Clock } from '../../../drivers/clock.js';
import { toNumber } from '../../../drivers/rational.js';
import { demoConfig, parseConfig } from '../../../device/config/gateway-config.js';
import { openStore } from '../../../host-cli/collector/open-store.js';
import { KeyRing } from '../../../host-cli/collector/key-ring.js';
import { verifyMessage } from '../../../host-cli/collector/verify-message.js';
import { buildRecord } from '../../../host-cli/commissioning/commissioning-record.js';
import { openRawReader, rawWh } from '../../../host-cli/commissioning/raw-register-read.js';
import { decodeRaw } from '../../../host-cli/commissioning/register-scale.js';
import { proveCommand } from '../../../host-cli/commands/prove.js';
import { openSqliteDcDb } from '../../../host-cli/dc/dc-db.js';
import { issueTechnicalDetails } from '../../../host-cli/dc/mtd/mtd-store.js';
import { provingDueMap, provingRows } from '../../../host-cli/dc/mtd/proving-state.js';
import { technicalDetailsCsv } from '../../../host-cli/dc/mtd/technical-details.js';
import { fixedIdentity } from '../exports/dataset.js';
import { SimDevice } from '../../../host-cli/collector/sim-device.js';

const dir = mkdtempSync(join(tmpdir(), 'amsgate-proving-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const quiet = (): void => {};

test('raw decoding: float32 230.0 is 0x4366 0x0000 (standards.md §4.1); INT32 low word first; UINT64 big-endian', () => {
  const f = decodeRaw([0x4366, 0x0000], 'float32-be');
  assert.is(toNumber({ num: f.num, den: f.den }), 230);
  assert.equal(decodeRaw([0x5678, 0x0012], 'int32-lsw-first'), { num: 0x125678n, den: 1n });
  assert.equal(decodeRaw([0, 0, 1, 2], 'uint64-be'), { num: (1n << 16n) + 2n, den: 1n });
  // 1523.41 kWh in float32 is not 1523.41: the exact float value comes back, not a rounded decimal.
  const dv = new DataView(new ArrayBuffer(4));
  dv.setFloat32(0, 1523.41);
  const g = decodeRaw([dv.getUint16(0), dv.getUint16(2)], 'float32-be');
  assert.is(toNumber({ num: g.num, den: g.den }), Math.fround(1523.41));
});

test('the raw reader reads the simulated SDM630 register as physics put it there (initial energy)', async () => {
  const sim = await catalogEntry('sdm630').startSimulator({ listen: { tcp: '127.0.0.1:0' }, unit: 1, clock: systemClock, profile: 'constant', ratingW: 0, wireTiming: false, initialImportWh: 1_523_410 });
  try {
    const r = await openRawReader('sdm630', { tcp: sim.address }, 1, systemClock);
    const got = await r!.read('import');
    await r!.close();
    // float32 kWh: within one float step of 1523.41 kWh (0.122 Wh at this size).
    assert.ok(Math.abs(toNumber(rawWh(got)) - 1_523_410) <= 0.13, `read ${toNumber(rawWh(got))} Wh`);
    // ATM90E26: read-and-clear registers; a second reader would take energy from the gateway (docs/commissioning.md).
    assert.is(await openRawReader('atm90e26', { serial: '/dev/null' }, 1, systemClock), null);
  } finally {
    await sim.close();
  }
});

async function provingStore(): Promise<{ db: string; config: string }> {
  const sim = new SimDevice(fixedIdentity('gw-prove'));
  // 3.70 kWh on the register (1523.41 -> 1527.11), x 1.02 loss multiplier: 3774 Wh.
  const rec = sim.interval({ start: '2026-01-15T18:00:00Z', meter: 'charger', amsid: '2000000000015', energyWh: 3774, registerStart: 152341n, whPerCount: '10', created: Date.parse('2026-01-15T18:31:00Z') });
  const db = join(dir, `collector-${Math.random().toString(36).slice(2)}.sqlite`);
  const store = await openStore(db);
  await store.addKey({ device: 'gw-prove', kid: sim.identity.kid, alg: 'EdDSA', jwk: sim.identity.publicJwk, validFrom: 0, validTo: null, source: 'test', addedAt: 0 });
  const v = verifyMessage('amsgate/v1/gw-prove/interval', rec.compact, KeyRing.from(await store.listKeys()), 1);
  assert.ok(v.ok);
  await store.ingest(v.ok ? [v.record] : [], []);
  await store.close();
  const config = join(dir, 'gw-prove.json');
  writeFileSync(config, JSON.stringify({
    deviceId: 'gw-prove', storePath: join(dir, 'gwdata'),
    meters: [{ id: 'charger', model: 'sdm630', connection: { tcp: '127.0.0.1:502' }, unit: 1, serial: '12345678', amsid: { import: '2000000000015' }, role: 'charger', phases: 3, ratedVoltageV: 230, ratedCurrentA: 5, maxCurrentA: 100, compensation: { lossMultiplier: '1.02' } }],
  }));
  return { db, config };
}

test('hand readings: the tolerance is the register resolution whatever the digits typed; fewer digits than the register are refused', async () => {
  const { db, config } = await provingStore();
  const base = { config, period: '2026-01-15/37', channel: 'import' as const, collectorDb: db, waitS: 0, pollS: 1 };
  const two = await proveCommand({ ...base, startKwh: '1523.41', endKwh: '1527.11' }, systemClock, quiet);
  const three = await proveCommand({ ...base, startKwh: '1523.410', endKwh: '1527.110' }, systemClock, quiet);
  assert.is(two.code, 0, two.result.detail);
  // 2 x 10 Wh (SDM630 display 0.01 kWh) x 1.02 + 1 + 0.5 % of 3774 Wh = 40.27 Wh.
  assert.is(two.result.figures['allowed difference Wh'], '40.270');
  assert.is(three.result.figures['allowed difference Wh'], '40.270');
  await proveCommand({ ...base, startKwh: '1523.4', endKwh: '1527.1' }, systemClock, quiet).then(
    () => assert.unreachable(),
    (e: Error) => assert.match(e.message, /--start-kwh "1523.4" has fewer decimals than the register shows \(10 Wh = 2 decimals/),
  );
  const coarse = await proveCommand({ ...base, startKwh: '1523.4', endKwh: '1527.1', registerResolutionWh: 100 }, systemClock, quiet);
  assert.is(coarse.result.figures['allowed difference Wh'], String((2 * 100 * 1.02 + 1 + 3774 * 0.005).toFixed(3)));
});

test('technical details: version 0 from commissioning, a key field change issues version 1 and a proving test due until prove passes', async () => {
  const { db, config } = await provingStore();
  const cfg = parseConfig(JSON.parse((await import('node:fs')).readFileSync(config, 'utf8')), config, { checkFiles: false });
  const rec = buildRecord({ deviceId: 'gw-prove', at: Date.parse('2026-01-10T09:00:00Z'), installer: 'A. Fitter', meters: [{ id: 'charger', model: 'sdm630', makeModel: 'Eastron SDM630', serial: '12345678', serialReported: null, amsidImport: '2000000000015', amsidExport: null, ctOperated: false, phases: 3 }], keyFields: {}, checks: [], kid: null, publicJwk: null });
  const dcdb = await openSqliteDcDb(db);
  const at = Date.parse('2026-01-12T00:00:00Z');
  const v0 = await issueTechnicalDetails(dcdb, rec, cfg, { amvlpId: 'AMVL', outstationType: 'ABC', atMs: at });
  assert.is(v0[0]!.version, 0);
  const d = v0[0]!.details;
  assert.is(d.d0268['J0418 Meter CoP'], 'N');
  assert.is(d.d0268['J1687 Complex Site Indicator'], true);
  assert.is(d.p0303['Asset Metering Type'], 5);
  assert.is(d.p0303['Asset Meter Effective from Date (Import)'], '2026-01-10');
  assert.is(d.p0303['Asset Meter Make and Model (Import)'], 'Eastron SDM630');
  assert.equal(d.cop11Fa.map((r) => r['Aggregation Rule']), ['2000000000015 = [2000000000015 Asset Meter 12345678 channel AI] x 1.02']);
  assert.match(technicalDetailsCsv([d]), /^device,meter,document,data item,value\ngw-prove,charger,D0268,J0003 MPAN Core \(Import AMSID\),2000000000015\n/);
  // Unchanged: no new version.
  assert.is((await issueTechnicalDetails(dcdb, rec, cfg, { amvlpId: 'AMVL', outstationType: 'ABC', atMs: at + 1 }))[0]!.change, 'unchanged');
  // The serial changes (meter replaced): version 1, the old registration closed, a proving test due.
  const changed = { ...cfg, meters: [{ ...cfg.meters[0]!, serial: '87654321' }] };
  const later = Date.parse('2026-01-14T12:00:00Z');
  const v1 = await issueTechnicalDetails(dcdb, rec, changed, { amvlpId: 'AMVL', outstationType: 'ABC', atMs: later });
  assert.is(v1[0]!.version, 1);
  assert.equal(v1[0]!.changedFields, ['meter.charger.serial']);
  assert.is(v1[0]!.details.p0303['Asset Meter Effective from Date (Import)'], '2026-01-14');
  assert.is((await provingDueMap(dcdb)).get('gw-prove/charger'), Date.parse('2026-01-10T09:00:00Z'));
  await dcdb.close();
  // amsgate prove with the collector store records the pass and clears both due rows.
  const pass = await proveCommand({ config, period: '2026-01-15/37', channel: 'import', collectorDb: db, waitS: 0, pollS: 1, startKwh: '1523.41', endKwh: '1527.11' }, systemClock as Clock, quiet);
  assert.is(pass.code, 0, pass.result.detail);
  assert.is(pass.provingTestsCleared, 2);
  const dcdb2 = await openSqliteDcDb(db);
  assert.equal((await provingRows(dcdb2)).map((r) => [r.state, r.reason]), [['passed', 'new installation'], ['passed', 'key field change: meter.charger.serial 12345678 -> 87654321']]);
  await dcdb2.close();
  assert.ok(demoConfig(dir));
});

test.run();
