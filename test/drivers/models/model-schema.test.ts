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

test('probe with min above max is refused', () => {
  rejects((m) => (m.probe = [{ quantity: 'voltage_l1', min: 300, max: 80 }]), /probe\[0\]: min 300 is above max 80/);
});

test('a three-phase model without L3 registers is refused', () => {
  const three = (): MeterModel => structuredClone(meterModel('sdm630'));
  const drop = (m: MeterModel, q: string) => (m.registers = m.registers.filter((r) => r.quantity !== q));
  const cases: [(m: MeterModel) => void, RegExp][] = [
    [(m) => drop(m, 'voltage_l3'), /has voltage_l1, voltage_l2 but no voltage_l3; a three-phase model needs all three phases/],
    [(m) => m.registers.filter((r) => /_l3$/.test(r.quantity)).forEach((r) => drop(m, r.quantity)), /no (voltage|current|power|pf)_l3/],
    [(m) => (m.registers = m.registers.filter((r) => !/_l[123]$/.test(r.quantity))), /three-phase model needs L1, L2 and L3 registers/],
  ];
  for (const [mutate, re] of cases) {
    const m = three();
    mutate(m);
    m.probe = [{ quantity: m.registers.find((r) => !r.energy)!.quantity, min: 0 }];
    assert.throws(() => validateModel(m), re);
  }
  // ... and a single-phase model with an L2 register
  rejects((m) => m.registers.push({ quantity: 'voltage_l2', address: 0x0002, type: 'f32', scale: '1', unit: 'V' }), /voltage_l2 on a single-phase model/);
});

test('a model with no energy register is refused', () => {
  rejects((m) => (m.registers = m.registers.filter((r) => !r.energy)), /registers: has no energy register/);
});

test('shape: a missing field, an unknown field and a wrong type are named', () => {
  rejects((m) => delete (m as Partial<MeterModel>).defaultLine, /model sdm120\.defaultLine: is missing/);
  rejects((m) => ((m as unknown as Record<string, unknown>).register = []), /model sdm120\.register: is not a field/);
  rejects((m) => ((m.registers[0] as unknown as Record<string, unknown>).adress = 1), /registers\[0\]\.adress: is not a field/);
  rejects((m) => ((m as unknown as Record<string, unknown>).phases = '1'), /phases: is string; expected a number/);
  rejects((m) => ((m.defaultLine as unknown as Record<string, unknown>).baud = 9601), /defaultLine\.baud: is 9601/);
  assert.throws(() => validateModel('sdm120'), /model \(no id\): is string; expected an object/);
});

test.run();
