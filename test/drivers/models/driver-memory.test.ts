// The generic driver against simulated banks through an in-memory client: plans, values, faults.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../../drivers/clock.js';
import { PhysicalMeter } from '../../../drivers/sim/physical-meter.js';
import { constant } from '../../../drivers/sim/load-profile.js';
import { meterModel } from '../../../drivers/models/meter-models.js';
import { validateModel } from '../../../drivers/models/model-schema.js';
import { SimulatedBank } from '../../../drivers/models/simulated-bank.js';
import { ModbusMeterDriver } from '../../../drivers/models/modbus-meter-driver.js';
import { RegisterNotAvailableError } from '../../../drivers/models/register-codec.js';
import { DeviceError } from '../../../drivers/errors.js';
import { toNumber } from '../../../drivers/rational.js';
import { bankClient } from './bank-client.js';

const HOUR = 3_600_000;

async function rejects(fn: () => Promise<unknown>, check: RegExp | ((e: unknown) => boolean)): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (check instanceof RegExp) assert.match((e as Error).message, check);
    else assert.ok(check(e), `unexpected error ${(e as Error).name}: ${(e as Error).message}`);
    return;
  }
  assert.unreachable('expected a rejection');
}

function rig(id: string, powerW = 3000, initialImportWh = 0) {
  const model = meterModel(id);
  const clock = new ManualClock(1_700_000_000_000);
  const physical = new PhysicalMeter({ clock, profile: constant(powerW, 1), phases: model.phases, random: () => 0.5 });
  if (initialImportWh) physical.setRegisters(initialImportWh, 0);
  const bank = new SimulatedBank(model, physical, { unit: 3 });
  const client = bankClient(bank, clock);
  const driver = new ModbusMeterDriver({ client, model, unit: 3, clock });
  return { model, clock, physical, bank, client, driver };
}

const importWh = (s: Awaited<ReturnType<ModbusMeterDriver['sample']>>) => toNumber(s.energy.import!.whPerCount) * Number(s.energy.import!.value);

test('plans: SDM630 one read of 76 registers, SDM120 two, EM340 three, B23 two (FC 03); energy blocks first', () => {
  const plan = (id: string) => rig(id).driver.plan.map((r) => [r.functionCode, r.address, r.count, r.energy]);
  assert.equal(plan('sdm630'), [[4, 0, 76, true]]);
  assert.equal(plan('sdm120'), [[4, 0x46, 6, true], [4, 0, 32, false]]);
  // 50 registers is the EM340's (assumed) per-read limit: frequency and energy start a second read.
  assert.equal(plan('em340'), [[4, 0x33, 3, true], [4, 0x4e, 2, true], [4, 0, 50, false]]);
  assert.equal(plan('b23'), [[3, 0x5000, 8, true], [3, 0x5b00, 62, false]]);
});

for (const id of ['sdm630', 'sdm120', 'em340', 'b23']) {
  test(`${id}: one sample per plan, consistent values, integer energy that grows with time`, async () => {
    const { driver, clock, client, model } = rig(id);
    await clock.advance(HOUR);
    const s = await driver.sample();
    assert.is(client.log.length, driver.plan.length);
    assert.is(s.at, clock.now());
    assert.is(s.instant.voltageV!.length, model.phases);
    assert.ok(Math.abs(s.instant.voltageV![0]! - 230) < 1, `V ${s.instant.voltageV}`);
    assert.ok(Math.abs(s.instant.powerW! - 3000) < 2, `P ${s.instant.powerW}`);
    assert.ok(Math.abs(s.instant.frequencyHz! - 50) < 0.1);
    assert.ok(Math.abs(s.instant.powerFactor! - 1) < 0.01);
    assert.is(typeof s.energy.import!.value, 'bigint');
    const e1 = importWh(s);
    const res = Math.max(toNumber(s.energy.import!.whPerCount), 1);
    assert.ok(Math.abs(e1 - 3000) <= res, `import ${e1} Wh after 1 h at 3 kW`);
    assert.is(s.energy.export!.value, 0n);
    await clock.advance(HOUR);
    assert.ok(Math.abs(importWh(await driver.sample()) - 6000) <= res);
  });
}

test('frozen registers: energy and values stop changing through the driver', async () => {
  const { driver, clock, bank } = rig('sdm630');
  await clock.advance(HOUR);
  bank.setFaults({ frozen: true });
  const a = await driver.sample();
  await clock.advance(HOUR);
  const b = await driver.sample();
  assert.is(b.energy.import!.value, a.energy.import!.value);
  bank.setFaults({});
  await clock.advance(1000);
  assert.ok((await driver.sample()).energy.import!.value > a.energy.import!.value);
});

test('exception fault: sample throws a DeviceError, never a stale sample', async () => {
  const { driver, clock, bank } = rig('em340');
  await clock.advance(HOUR);
  await driver.sample();
  bank.setFaults({ exceptionCode: 4 });
  await rejects(() => driver.sample(), (e: unknown) => e instanceof DeviceError);
});

test('a failure in the second block throws although the first succeeded', async () => {
  const { driver, client } = rig('b23');
  const real = client.readRegisters.bind(client);
  let n = 0;
  client.readRegisters = async (...a) => {
    if (++n === 2) throw new DeviceError('modbus-exception', 'exception 6');
    return real(...a);
  };
  await rejects(() => driver.sample(), /exception 6/);
});

test('register reset: energy restarts at 0', async () => {
  const { driver, clock, physical } = rig('b23');
  await clock.advance(HOUR);
  assert.is((await driver.sample()).energy.import!.value, 300n);
  physical.setRegisters(0, 0);
  assert.is((await driver.sample()).energy.import!.value, 0n);
});

test('EM340 counter wrap: starts just below 2^31 counts and comes back small, counterBits 31', async () => {
  const limitWh = 2 ** 31 * 100;
  const { driver, clock } = rig('em340', 3000, limitWh - 1000);
  const a = await driver.sample();
  assert.is(a.energy.import!.value, 2n ** 31n - 10n);
  assert.is(a.energy.import!.counterBits, 31);
  await clock.advance(HOUR); // +3000 Wh = +30 counts
  assert.is((await driver.sample()).energy.import!.value, 20n);
});

test('frame errors and retries are per-sample deltas of client.stats()', async () => {
  const { driver, client } = rig('em340');
  const real = client.readRegisters.bind(client);
  client.readRegisters = async (...a) => {
    client.bump(1, 2);
    return real(...a);
  };
  const s = await driver.sample();
  assert.is(s.frameErrors, 3);
  assert.is(s.retries, 6);
  const s2 = await driver.sample();
  assert.is(s2.frameErrors, 3);
});

// Each reply takes 500 ms of clock time: the sample is stamped when the last reply carrying energy came, not when
// the instantaneous blocks after it did (B23: energy in the first of two reads; EM340: in the first two of three).
for (const [id, energyReads] of [['b23', 1], ['em340', 2]] as const) {
  test(`${id}: at is the clock time when the last energy reply arrived`, async () => {
    const { driver, client, clock } = rig(id);
    const real = client.readRegisters.bind(client);
    client.readRegisters = async (...a) => {
      clock.set(clock.now() + 500);
      return real(...a);
    };
    const t0 = clock.now();
    assert.is((await driver.sample()).at, t0 + 500 * energyReads);
    assert.is(clock.now(), t0 + 500 * driver.plan.length);
  });
}

test('B23 "not available" on every energy register is a RegisterNotAvailableError; unavailable instant values are left out, not 0', async () => {
  const { driver, client } = rig('b23');
  const real = client.readRegisters.bind(client);
  client.readRegisters = async (unit, fc, address, count) => {
    const w = await real(unit, fc, address, count);
    if (address === 0x5b00) w.fill(0xffff, 0, 6); // voltages all-ones
    return w;
  };
  const s = await driver.sample();
  assert.is(s.instant.voltageV, undefined);
  assert.ok(s.instant.currentA);
  client.readRegisters = async (unit, fc, address, count) => {
    const w = await real(unit, fc, address, count);
    if (address === 0x5000) w.fill(0xffff, 0, 8);
    return w;
  };
  await rejects(() => driver.sample(), (e: unknown) => e instanceof RegisterNotAvailableError);
});

test('the bank answers exception 2 for unmapped addresses, 11 for another unit, 3 for count > 125', () => {
  const { bank } = rig('sdm120');
  assert.is(bank.read(3, 4, 0x0100, 2), 2);
  assert.is(bank.read(3, 4, 0x0020, 2), 2); // beyond maxGap from the next register: not readable
  assert.is(bank.read(3, 3, 0x0000, 2), 2);
  assert.is(bank.read(1, 4, 0x0000, 2), 11);
  assert.is(bank.read(3, 4, 0x0000, 126), 3);
  assert.ok(bank.read(3, 4, 0x0000, 2) instanceof Uint16Array);
});

test('quantities: an energy-only driver reads just the energy registers', async () => {
  const { model, clock, client } = rig('b23');
  const d = new ModbusMeterDriver({ client, model, unit: 3, clock, quantities: ['energy_import', 'energy_export'] });
  assert.equal(d.plan.map((r) => [r.address, r.count]), [[0x5000, 8]]);
  await clock.advance(HOUR);
  const s = await d.sample();
  assert.is(s.energy.import!.value, 300n);
  assert.equal(s.instant, {});
  assert.throws(() => new ModbusMeterDriver({ client, model, unit: 3, clock, quantities: ['phase_angle_l1'] }), /b23 has no register for phase_angle_l1/);
});

test('a model hole splits the plan, the bank refuses it, and the driver still reads everything around it', async () => {
  const model = validateModel({ ...structuredClone(meterModel('sdm630')), id: 'sdm630-holed', holes: [{ from: 0x12, to: 0x1d }] });
  const clock = new ManualClock(0);
  const physical = new PhysicalMeter({ clock, profile: constant(3000, 1), phases: 3, random: () => 0.5 });
  const bank = new SimulatedBank(model, physical, { unit: 1 });
  const client = bankClient(bank, clock);
  const driver = new ModbusMeterDriver({ client, model, unit: 1, clock });
  assert.equal(driver.plan.map((r) => [r.address, r.count]), [[0x1e, 0x4c - 0x1e], [0, 0x12]]);
  assert.is(bank.read(1, 4, 0x10, 4), 2);
  const s = await driver.sample();
  assert.is(s.instant.phasePowerFactor!.length, 3);
  assert.ok(client.log.every((r) => r.address + r.count <= 0x12 || r.address > 0x1d));
});

test('identify names the model', async () => {
  assert.equal(await rig('em340').driver.identify(), { vendor: 'Carlo Gavazzi', model: 'EM340' });
});

test('an unknown unit id is refused before any read', () => {
  const { model, clock, client } = rig('sdm630');
  assert.throws(() => new ModbusMeterDriver({ client, model, unit: 0, clock }), /1\.\.247/);
});

test.run();
