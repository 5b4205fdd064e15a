// Tests in the style of IEC 62053-21 beyond CoP11 Table 4/5: starting current, no-load (creep) and the
// meter constant. They are reported as additional to CoP11 and do not decide the Type 5 verdict.
// Figures whose source was not read are parameters of the plan with defaults tagged [U] (docs/bench.md).
//   starting: at Un, I_st, PF 1 the DUT must register (one pulse, or one register count) within t_st;
//   no-load:  at 115 % Un and no current the test output must give at most one pulse in t_nl;
//   constant: at Un, 50 % Imax, PF 1 the pulses N / K must equal the register advance within one pulse and
//             one register step (their quantisation).
import type { Clock } from '../../drivers/clock.js';
import type { MeterDriver } from '../../drivers/meter-driver.js';
import { toNumber } from '../../drivers/rational.js';
import type { BenchSource, ReferenceStandard } from '../instruments/instrument-types.js';
import type { Plan } from '../plan/plan-schema.js';
import { readRegister, whPerPulse } from './repetition.js';

export interface AdditionalResult {
  test: 'starting' | 'no-load' | 'meter-constant';
  /** null: not performed (the reason says why). */
  passed: boolean | null;
  detail: string;
  figures: Record<string, number>;
}

export interface AdditionalContext {
  plan: Plan;
  source: BenchSource;
  reference: ReferenceStandard;
  dut: MeterDriver;
  clock: Clock;
}

const phaseZero = (plan: Plan) => ({ phaseDeg: 0, frequencyHz: plan.device.fnHz ?? null });

/** Default starting current [U]: 0.4 % of In (IEC 62053-21:2003 class 1 is 0.004 Ib, from memory). */
export const startingCurrentOf = (plan: Plan): number => plan.additional?.startingCurrentA ?? 0.004 * plan.device.inA;

/** Default no-load time [U, memory of IEC 62053-21:2003]: 600e6 / (K m Un Imax) minutes, m the phases. */
export function noLoadSecondsOf(plan: Plan): number | null {
  if (plan.additional?.noLoadS !== undefined) return plan.additional.noLoadS;
  const k = plan.device.meterConstantImpPerKWh;
  if (k === undefined) return null;
  return (60 * 600e6) / (k * plan.device.phases * plan.device.unV * plan.device.imaxA);
}

async function counter(c: AdditionalContext): Promise<{ kind: 'pulses' | 'register'; read: () => Promise<number>; whPerStep: number }> {
  if (c.reference.readPulses && c.plan.device.meterConstantImpPerKWh !== undefined) {
    return { kind: 'pulses', read: () => c.reference.readPulses!(), whPerStep: toNumber(whPerPulse(c.plan)) };
  }
  const r0 = await readRegister(c.dut);
  return { kind: 'register', read: async () => Number((await readRegister(c.dut)).value - r0.value), whPerStep: r0.q };
}

export async function startingTest(c: AdditionalContext): Promise<AdditionalResult> {
  const { plan } = c;
  const ist = startingCurrentOf(plan);
  const cnt = await counter(c);
  const powerW = plan.device.phases * plan.device.unV * ist;
  const limitS = plan.additional?.startingMaxS ?? Math.ceil((1.5 * 3600 * cnt.whPerStep) / powerW);
  await c.source.output(false);
  await c.source.apply({ voltageV: plan.device.unV, currentA: ist, ...phaseZero(plan) });
  await c.reference.reset();
  const before = await cnt.read();
  await c.source.output(true);
  await c.clock.sleep(limitS * 1000);
  await c.source.output(false);
  const steps = (await cnt.read()) - before;
  return {
    test: 'starting',
    passed: steps >= 1,
    detail: `${ist} A at ${plan.device.unV} V, PF 1 for ${limitS} s: ${steps} ${cnt.kind === 'pulses' ? 'pulse(s)' : 'register count(s)'} (at least 1 needed)`,
    figures: { currentA: ist, seconds: limitS, steps },
  };
}

export async function noLoadTest(c: AdditionalContext): Promise<AdditionalResult> {
  const { plan } = c;
  const t = noLoadSecondsOf(plan);
  if (t === null || !c.reference.readPulses) {
    return { test: 'no-load', passed: null, detail: 'not performed: needs the DUT\'s test output (meter constant) on the reference\'s pulse input', figures: {} };
  }
  const v = 1.15 * plan.device.unV;
  await c.source.output(false);
  await c.source.apply({ voltageV: v, currentA: 0, ...phaseZero(plan) });
  await c.reference.reset();
  await c.source.output(true);
  await c.clock.sleep(Math.ceil(t) * 1000);
  await c.source.output(false);
  const pulses = await c.reference.readPulses();
  return { test: 'no-load', passed: pulses <= 1, detail: `${Number(v.toFixed(2))} V (115 % Un), no current, ${Math.ceil(t)} s: ${pulses} pulse(s) (at most 1 allowed)`, figures: { voltageV: v, seconds: Math.ceil(t), pulses } };
}

export async function meterConstantTest(c: AdditionalContext): Promise<AdditionalResult> {
  const { plan } = c;
  if (!c.reference.readPulses || plan.device.meterConstantImpPerKWh === undefined) {
    return { test: 'meter-constant', passed: null, detail: 'not performed: needs a meter constant and the DUT\'s test output on the reference\'s pulse input', figures: {} };
  }
  const q = (await readRegister(c.dut)).q;
  const qp = toNumber(whPerPulse(plan));
  const i = plan.device.imaxA / 2;
  const powerW = plan.device.phases * plan.device.unV * i;
  // Enough energy for 20 register steps and 200 pulses, so one step of each is at most 5 %.
  const energyWh = plan.additional?.meterConstantEnergyWh ?? Math.max(20 * q, 200 * qp);
  const seconds = Math.ceil((3600 * energyWh) / powerW);
  await c.source.output(false);
  await c.source.apply({ voltageV: plan.device.unV, currentA: i, ...phaseZero(plan) });
  const r0 = await readRegister(c.dut);
  await c.reference.reset();
  await c.source.output(true);
  await c.clock.sleep(seconds * 1000);
  await c.source.output(false);
  await c.clock.sleep(plan.defaults.registerSettleS * 1000);
  const r1 = await readRegister(c.dut);
  const pulses = await c.reference.readPulses();
  const registerWh = Number(r1.value - r0.value) * toNumber(r1.whPerCount);
  const pulseWh = pulses * qp;
  const tolWh = q + qp;
  return {
    test: 'meter-constant',
    passed: Math.abs(pulseWh - registerWh) <= tolWh + 1e-9,
    detail: `${seconds} s at ${i} A: register ${registerWh} Wh, pulses ${pulses} / ${plan.device.meterConstantImpPerKWh} imp/kWh = ${pulseWh} Wh (agree within ${tolWh} Wh needed)`,
    figures: { seconds, registerWh, pulses, pulseWh, toleranceWh: tolWh },
  };
}

export async function runAdditionalTests(c: AdditionalContext): Promise<AdditionalResult[]> {
  return [await startingTest(c), await noLoadTest(c), await meterConstantTest(c)];
}
