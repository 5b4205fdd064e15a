// One value the meter cannot give (a NaN float, ABB's all-ones / 0x7FFF.. "not available") must not discard the
// sample: the registers that read fine are used, energy included, and the missing one is named by register and
// address (never by its raw bits). Raw words are patched into a simulator's replies.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../../drivers/clock.js';
import { constant } from '../../../drivers/sim/load-profile.js';
import { PhysicalMeter } from '../../../drivers/sim/physical-meter.js';
import { meterModel } from '../../../drivers/models/meter-models.js';
import { ModbusMeterDriver } from '../../../drivers/models/modbus-meter-driver.js';
import { RegisterNotAvailableError } from '../../../drivers/models/register-codec.js';
import { SimulatedBank } from '../../../drivers/models/simulated-bank.js';
import { bankClient } from './bank-client.js';

/** A driver whose replies carry `patch` (address -> raw word) over what the simulator encodes. */
function rigWith(id: string, patch: Record<number, number>) {
  const model = meterModel(id);
  const clock = new ManualClock(1_700_000_000_000);
  const physical = new PhysicalMeter({ clock, profile: constant(3000, 1), phases: model.phases, random: () => 0.5 });
  physical.setRegisters(5000, 2000);
  const client = bankClient(new SimulatedBank(model, physical, { unit: 1 }), clock);
  const real = client.readRegisters.bind(client);
  client.readRegisters = async (unit, fc, address, count) => {
    const w = await real(unit, fc, address, count);
    for (const [a, v] of Object.entries(patch)) if (Number(a) >= address && Number(a) < address + count) w[Number(a) - address] = v;
    return w;
  };
  return new ModbusMeterDriver({ client, model, unit: 1, clock });
}

test('SDM630: a NaN L2 power leaves the energy and every other value in the sample', async () => {
  const s = await rigWith('sdm630', { 0x000e: 0x7fc0, 0x000f: 0x0000 }).sample();
  assert.is(s.energy.import!.value, 5000n);
  assert.is(s.energy.export!.value, 2000n);
  assert.ok(Math.abs(s.instant.powerW! - 3000) < 2, 'total power from its own register');
  assert.is(s.instant.phasePowerW, undefined, 'the per-phase array is not reported with a hole in it');
  assert.is(s.instant.voltageV!.length, 3);
  assert.equal(s.unavailable, [{ name: 'power_l2', address: 0x000e, reason: 'not-a-number' }]);
});

test('SDM120: an infinite export register is reported; the import register is used', async () => {
  const s = await rigWith('sdm120', { 0x004a: 0x7f80, 0x004b: 0x0000 }).sample();
  assert.is(s.energy.import!.value, 5000n);
  assert.is(s.energy.export, undefined);
  assert.equal(s.unavailable, [{ name: 'energy_export', address: 0x004a, reason: 'infinite' }]);
});

test('B23 import-only variant: all-ones export register and 0x7FFF.. power, the import energy is still used', async () => {
  const s = await rigWith('b23', { 0x5004: 0xffff, 0x5005: 0xffff, 0x5006: 0xffff, 0x5007: 0xffff, 0x5b14: 0x7fff, 0x5b15: 0xffff }).sample();
  assert.is(s.energy.import!.value, 500n, '0.01 kWh counts');
  assert.is(s.energy.export, undefined);
  assert.ok(Math.abs(s.instant.powerW! - 3000) < 2, 'total power falls back to the sum of the phases');
  assert.equal(s.unavailable, [
    { name: 'energy_export', address: 0x5004, reason: 'not-available' },
    { name: 'power_total', address: 0x5b14, reason: 'not-available' },
  ]);
});

test('every value readable: unavailable is an empty list', async () => {
  assert.equal((await rigWith('em340', {}).sample()).unavailable, []);
});

test('no energy register readable at all: the sample fails, naming the registers', async () => {
  const d = rigWith('sdm120', { 0x0048: 0x7fc0, 0x0049: 0, 0x004a: 0x7fc0, 0x004b: 0 });
  try {
    await d.sample();
  } catch (e) {
    assert.instance(e, RegisterNotAvailableError);
    assert.match((e as Error).message, /energy_import at 0x48.*energy_export at 0x4a/);
    return;
  }
  assert.unreachable('a sample without energy was returned');
});

test.run();
