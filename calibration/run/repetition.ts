// One repetition at a test point, by either method. Both switch the output on only between two readings
// taken with the output off, so the time the readings take adds energy to neither side.
//   register: read the DUT register E0, zero the reference, on for t, off, read E1 and the reference;
//             device energy = (E1 - E0) x resolution.
//   pulse:    zero the reference (its energy and its pulse input, which counts the DUT's test output), on for
//             t, off, read the reference energy and the pulse count N; device energy = N x 1000 / K Wh.
// The device energy then goes through the gateway's compensation factor, exactly until the one division.
import { registerWhileFlowing, type MeterDriver } from '../../drivers/meter-driver.js';
import { ConfigError, DeviceError } from '../../drivers/errors.js';
import { div, mul, parseDecimal, rational, toNumber, type Rational } from '../../drivers/rational.js';
import type { BenchSource, ReferenceStandard } from '../instruments/instrument-types.js';
import type { Plan, PlanPoint } from '../plan/plan-schema.js';

export interface RegisterReading {
  value: bigint;
  whPerCount: Rational;
  /** Effective resolution, Wh: a float register resolves no better than its last place. */
  q: number;
}

export async function readRegister(dut: MeterDriver, direction: 'import' | 'export' = 'import'): Promise<RegisterReading> {
  const s = await dut.sample();
  const reg = registerWhileFlowing(s, direction);
  if (!reg) throw new DeviceError(`no-${direction}-register`, `device ${dut.modelId} returned no ${direction} energy register; the ${direction} points need one`);
  return { value: reg.value, whPerCount: reg.whPerCount, q: Math.max(toNumber(reg.whPerCount), reg.floatUlpWh ?? 0) };
}

/** Wh per pulse of the DUT's test output, exact: 1000 / K. */
export function whPerPulse(plan: Plan): Rational {
  const k = plan.device.meterConstantImpPerKWh;
  if (k === undefined) throw new ConfigError('no-meter-constant', 'the pulse method needs device.meterConstantImpPerKWh in the plan');
  return div(rational(1000n), parseDecimal(String(k)));
}

export interface RepetitionContext {
  plan: Plan;
  point: PlanPoint;
  source: BenchSource;
  reference: ReferenceStandard;
  dut: MeterDriver;
  durationS: number;
  sleep: (s: number) => Promise<void>;
  /** Gateway compensation factor at this point. */
  factor: Rational;
}

export interface RepetitionReading {
  deviceWh: number;
  referenceWh: number;
  /** Resolution of the device side, Wh (register step or Wh per pulse). */
  q: number;
}

/** Expects the output off; leaves it off. */
export async function measureRepetition(c: RepetitionContext): Promise<RepetitionReading> {
  const settle = c.plan.defaults.registerSettleS;
  if (c.plan.method === 'pulse') {
    if (!c.reference.readPulses) throw new ConfigError('no-pulse-input', 'the pulse method needs a reference standard with a pulse input (MEAS:PULS?) wired to the DUT\'s test output');
    const q = whPerPulse(c.plan);
    await c.sleep(settle);
    await c.reference.reset();
    await c.source.output(true);
    await c.sleep(c.durationS);
    await c.source.output(false);
    await c.sleep(settle);
    const referenceWh = await c.reference.readEnergyWh();
    const n = await c.reference.readPulses();
    return { deviceWh: toNumber(mul(mul(rational(BigInt(n)), q), c.factor)), referenceWh, q: toNumber(q) };
  }
  await c.sleep(settle);
  const e0 = await readRegister(c.dut, c.point.direction);
  await c.reference.reset();
  await c.source.output(true);
  await c.sleep(c.durationS);
  await c.source.output(false);
  await c.sleep(settle);
  const e1 = await readRegister(c.dut, c.point.direction);
  const referenceWh = await c.reference.readEnergyWh();
  const deviceWh = toNumber(mul(mul(rational(e1.value - e0.value), e1.whPerCount), c.factor));
  return { deviceWh, referenceWh, q: Math.max(e0.q, e1.q) };
}
