// The pulse method: error from the DUT's test output pulses (meter constant K, imp/kWh) against the
// reference's energy, for meters whose register is too coarse to read per point (EM340, B23: 0.1 kWh).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generatePlan } from '../../calibration/plan/generate-plan.js';
import { runPlan } from '../../calibration/run/run-plan.js';
import { ResultsStore } from '../../calibration/run/results-store.js';
import { VirtualClock } from '../../calibration/sim/virtual-clock.js';
import { simulatedBench } from '../../calibration/sim/simulated-bench.js';
import { presetCurve } from '../../calibration/sim/dut-error-curves.js';
import { rational } from '../../drivers/rational.js';
import { ConfigError } from '../../drivers/errors.js';
import { validatePlan } from '../../calibration/plan/validate-plan.js';
import type { Plan } from '../../calibration/plan/plan-schema.js';

const ratings = { unV: 230, inA: 5, imaxA: 65 };
const K = 1000; // imp/kWh: 1 Wh per pulse
const coarse = rational(100); // a 0.1 kWh register, as EM340 and B23 have

function benchFor(plan: Plan, curve: string, wirePulses = true) {
  const clock = new VirtualClock();
  const b = simulatedBench({ plan, clock, dut: { curve: presetCurve(curve, ratings), whPerCount: coarse }, referenceError: 0, referenceNoise: 0.0002 });
  if (wirePulses) b.reference.attachPulseOutput(() => b.dut.meter.registeredWh(), K);
  return { clock, b };
}

test('a 0.1 kWh register is refused by the register method (hours per point)', async () => {
  const plan = generatePlan({ ...ratings, supply: 'ac', phases: 3 });
  const { clock, b } = benchFor(plan, 'pass', false);
  try {
    await runPlan({ plan, source: b.source, reference: b.referenceInstrument, dut: b.dut, store: new ResultsStore(':memory:'), clock });
    assert.unreachable('ran');
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, /pulse output/);
  }
});

test('the pulse method measures the same meter: every point within U of its true error', async () => {
  const plan = generatePlan({ ...ratings, supply: 'ac', phases: 3, method: 'pulse', meterConstantImpPerKWh: K });
  assert.equal(validatePlan(plan).filter((i) => i.severity === 'error'), []);
  const { clock, b } = benchFor(plan, 'pass');
  const store = new ResultsStore(':memory:');
  const res = await runPlan({ plan, source: b.source, reference: b.referenceInstrument, dut: b.dut, store, clock });
  assert.is(res.verdict, 'pass');
  const curve = presetCurve('pass', ratings);
  for (const p of plan.points) {
    const r = res.points.find((x) => x.pointId === p.id)!;
    const truth = 100 * curve(p.currentA, p.pf);
    assert.ok(Math.abs(r.meanErrorPct - truth) < r.expandedPct, `${p.id}: ${r.meanErrorPct} vs ${truth} +- ${r.expandedPct}`);
    assert.is(r.whPerCount, 1, 'resolution is one pulse, 1000/K Wh');
    // the device energy of each repetition is a whole number of pulses x 1000 / K, exactly
    for (const rep of store.repetitions(res.runId, p.id)) assert.ok(Number.isInteger((rep.deviceWh * K) / 1000), String(rep.deviceWh));
  }
});

test('a meter 4 % high at In fails there by the pulse method', async () => {
  const plan = generatePlan({ ...ratings, supply: 'ac', phases: 3, method: 'pulse', meterConstantImpPerKWh: K });
  const { clock, b } = benchFor(plan, 'fail-low-current');
  const res = await runPlan({ plan, source: b.source, reference: b.referenceInstrument, dut: b.dut, store: new ResultsStore(':memory:'), clock });
  for (const r of res.points) if (r.pointId.endsWith('-I5')) assert.is(r.verdict, 'fail', r.pointId);
  assert.is(res.verdict, 'fail');
});

test('the pulse method without a pulse input is refused before energy flows', async () => {
  const plan = generatePlan({ ...ratings, supply: 'ac', phases: 3, method: 'pulse', meterConstantImpPerKWh: K });
  const { clock, b } = benchFor(plan, 'pass', false);
  const store = new ResultsStore(':memory:');
  try {
    await runPlan({ plan, source: b.source, reference: b.referenceInstrument, dut: b.dut, store, clock });
    assert.unreachable('ran');
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, /pulse input/);
  }
  assert.is(store.runs().length, 0);
});

test('a pulse plan without a meter constant does not validate', () => {
  const plan = generatePlan({ ...ratings, supply: 'ac', phases: 3, method: 'pulse', meterConstantImpPerKWh: K });
  delete plan.device.meterConstantImpPerKWh;
  assert.ok(validatePlan(plan).some((i) => i.severity === 'error' && i.where === 'device.meterConstantImpPerKWh'));
});

test.run();
