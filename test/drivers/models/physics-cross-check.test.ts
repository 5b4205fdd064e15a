// Physics cross-check for every Modbus model: over a simulated hour at several loads and power factors, in both
// directions, the energy register's advance (value x whPerCount, as the driver decodes it) agrees with the integral
// of the driver's own power readings within the register's resolution + 0.5 %. The simulator integrates power x time
// and lays registers out from the datasheet table (register-sheets.ts), not from the driver's model, so a wrong
// scale, unit or word order on either side shows here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../../drivers/clock.js';
import type { EnergyRegister, MeterSample } from '../../../drivers/meter-driver.js';
import { constant } from '../../../drivers/sim/load-profile.js';
import { PhysicalMeter, type OperatingPoint } from '../../../drivers/sim/physical-meter.js';
import { meterModel } from '../../../drivers/models/meter-models.js';
import { ModbusMeterDriver } from '../../../drivers/models/modbus-meter-driver.js';
import { SimulatedBank } from '../../../drivers/models/simulated-bank.js';
import { mul, rational, toNumber } from '../../../drivers/rational.js';
import { bankClient } from './bank-client.js';

const HOUR = 3_600_000;
const POLL_MS = 10_000;

/** Load points per phase: several currents and power factors, lagging and leading, import and export. */
const POINTS: { name: string; point: OperatingPoint }[] = [
  { name: '2 A, PF 1', point: { voltageV: 230, currentA: 2, phaseDeg: 0, frequencyHz: 50 } },
  { name: '16 A, PF 0.8 lagging', point: { voltageV: 231.5, currentA: 16, phaseDeg: 36.87, frequencyHz: 50 } },
  { name: '32 A, PF 0.5 leading', point: { voltageV: 228, currentA: 32, phaseDeg: -60, frequencyHz: 49.95 } },
  { name: 'export 10 A, PF 0.9', point: { voltageV: 232, currentA: 10, phaseDeg: 180 + 25.84, frequencyHz: 50.02 } },
];

const whOf = (e: EnergyRegister): number => toNumber(mul(rational(e.value), e.whPerCount));
/** What one count (or, for a float register, the float's step and the rounding to integer Wh) can hide. */
const resolutionWh = (e: EnergyRegister): number => (e.floatUlpWh === null ? toNumber(e.whPerCount) : Math.max(1, e.floatUlpWh));

for (const id of ['sdm630', 'sdm120', 'em340', 'b23']) {
  for (const { name, point } of POINTS) {
    test(`${id} ${name}: energy advance = integral of the driver's power, within resolution + 0.5 %`, async () => {
      const model = meterModel(id);
      const clock = new ManualClock(1_700_000_000_000);
      const physical = new PhysicalMeter({ clock, profile: constant(0), phases: model.phases, random: () => 0.5 });
      physical.setRegisters(123_456, 7_890); // not at zero: a register far from its origin must still advance right
      physical.force(point);
      const driver = new ModbusMeterDriver({ client: bankClient(new SimulatedBank(model, physical), clock), model, unit: 1, clock });
      const first: MeterSample = await driver.sample();
      let last = first;
      let integralWh = 0;
      for (let t = 0; t < HOUR; t += POLL_MS) {
        const p = last.instant.powerW!;
        await clock.advance(POLL_MS);
        const s = await driver.sample();
        integralWh += (p * (s.at - last.at)) / HOUR;
        last = s;
      }
      const dir = integralWh >= 0 ? 'import' : 'export';
      const other = dir === 'import' ? 'export' : 'import';
      const advanceWh = whOf(last.energy[dir]!) - whOf(first.energy[dir]!);
      const tol = resolutionWh(last.energy[dir]!) + 0.005 * Math.abs(integralWh);
      const diff = advanceWh - Math.abs(integralWh);
      console.log(`  ${id.padEnd(6)} ${name.padEnd(22)} integral ${Math.abs(integralWh).toFixed(1).padStart(8)} Wh, register +${advanceWh.toFixed(0).padStart(6)} Wh, diff ${diff.toFixed(1).padStart(6)} Wh (tolerance ${tol.toFixed(1)})`);
      assert.ok(Math.abs(diff) <= tol, `${id} ${name}: register advanced ${advanceWh} Wh, power integrates to ${integralWh} Wh`);
      assert.is(last.energy[other]!.value, first.energy[other]!.value, `${other} register stays put`);
    });
  }
}

test.run();
