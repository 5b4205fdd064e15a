import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateModel, type MeterModel } from '../../../drivers/models/model-schema.js';
import { meterModel, meterModels } from '../../../drivers/models/meter-models.js';
import { ConfigError } from '../../../drivers/errors.js';

const base = (): MeterModel => structuredClone(meterModel('sdm120'));

function rejects(mutate: (m: MeterModel) => void, field: RegExp): void {
  const m = base();
  mutate(m);
  try {
    validateModel(m);
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, field);
    return;
  }
  assert.unreachable('model was accepted');
}

test('shipped models validate', () => {
  assert.equal(meterModels.map((m) => m.id), ['sdm630', 'sdm120', 'em340', 'b23']);
  for (const m of meterModels) validateModel(m);
});

test('overlapping registers are rejected naming both', () => {
  rejects((m) => (m.registers[1]!.address = 0x0001), /registers\[1\] \(current_l1\)\.address: 1 overlaps registers\[0\] \(voltage_l1\)/);
});

test('a hole inside a register is rejected', () => {
  rejects((m) => m.holes.push({ from: 0x0007, to: 0x0007 }), /current_l1\)\.address: registers 6\.\.7 overlap holes\[0\]/);
});

test('limits: maxRegistersPerRead above 125, bad function code, negative gap', () => {
  rejects((m) => (m.maxRegistersPerRead = 126), /maxRegistersPerRead: is 126; expected an integer 1\.\.125/);
  rejects((m) => ((m as { functionCode: number }).functionCode = 6), /functionCode: is 6/);
  rejects((m) => (m.maxGap = -1), /maxGap/);
  rejects((m) => (m.maxRegistersPerRead = 1), /type: needs 2 registers, more than maxRegistersPerRead 1/);
});

test('energy field rules: missing energy, wrong direction, counterBits on a float, bad scale, bad unit', () => {
  rejects((m) => delete m.registers[5]!.energy, /energy: is missing on an energy register/);
  rejects((m) => (m.registers[5]!.energy!.direction = 'export'), /energy\.direction/);
  rejects((m) => (m.registers[5]!.energy!.counterBits = 32), /counterBits: must be null for a float/);
  rejects((m) => (m.registers[0]!.scale = 'ten'), /scale: is "ten"/);
  rejects((m) => (m.registers[0]!.unit = 'A'), /voltage_l1\)\.unit: is "A"; expected "V"/);
  rejects((m) => (m.registers[0]!.quantity = 'volts' as never), /quantity: expected one of/);
  rejects((m) => (m.probe = [{ quantity: 'voltage_l3' }]), /probe\[0\]\.quantity: "voltage_l3" has no register/);
});

test.run();
