import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { energyRegisters, registerWhileFlowing, type EnergyRegister, type MeterSample } from '../../drivers/meter-driver.js';
import { rational } from '../../drivers/rational.js';

const reg = (value: bigint): EnergyRegister => ({ value, whPerCount: rational(1n), counterBits: null, floatUlpWh: null });
const sample = (energy: MeterSample['energy'], absoluteEnergy?: EnergyRegister): MeterSample => ({
  at: 0, energy, ...(absoluteEnergy ? { absoluteEnergy } : {}), instant: {}, frameErrors: 0, retries: 0,
});

test('a both-directions counter serves either direction only where the meter has no register of its own', () => {
  const abs = reg(7n);
  assert.is(registerWhileFlowing(sample({}, abs), 'export'), abs);
  assert.is(registerWhileFlowing(sample({}, abs), 'import'), abs);
  const imp = reg(3n);
  assert.is(registerWhileFlowing(sample({ import: imp }, abs), 'import'), imp);
  assert.is(registerWhileFlowing(sample({ import: imp }), 'export'), undefined);
});

test('energyRegisters names every register, the both-directions one as "absolute"', () => {
  assert.equal(energyRegisters(sample({ import: reg(1n), export: reg(2n) })).map(([n]) => n), ['import', 'export']);
  assert.equal(energyRegisters(sample({}, reg(5n))).map(([n, r]) => [n, r.value]), [['absolute', 5n]]);
});

test.run();
