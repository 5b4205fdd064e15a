// IEC 62053-21 style tests additional to CoP11 Table 4/5: starting current, no-load (creep), meter constant.
// The simulated meter registers from any current, creeps never, and its test output follows its register:
// all three pass; a DUT whose test output runs at the wrong constant fails the constant test; a meter that
// creeps fails no-load. None of them decides the Type 5 verdict.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generatePlan } from '../../calibration/plan/generate-plan.js';
import { runPlan } from '../../calibration/run/run-plan.js';
import { ResultsStore } from '../../calibration/run/results-store.js';
import { VirtualClock } from '../../calibration/sim/virtual-clock.js';
import { simulatedBench } from '../../calibration/sim/simulated-bench.js';
import { presetCurve } from '../../calibration/sim/dut-error-curves.js';
import { buildCertificate } from '../../calibration/report/certificate.js';
import { noLoadSecondsOf, startingCurrentOf } from '../../calibration/run/additional-tests.js';

const ratings = { unV: 230, inA: 6, imaxA: 32 };

async function run(o: { outputConstant: number; creepWh?: number }) {
  const plan = generatePlan({ ...ratings, supply: 'ac', phases: 1, method: 'pulse', meterConstantImpPerKWh: 1000, additional: true });
  const clock = new VirtualClock();
  const b = simulatedBench({ plan, clock, dut: { curve: presetCurve('pass', ratings) } });
  const t0 = clock.now();
  // The DUT's test output: its registered energy at outputConstant imp/kWh, plus any creep (Wh per hour).
  b.reference.attachPulseOutput(() => b.dut.meter.registeredWh() + ((o.creepWh ?? 0) * (clock.now() - t0)) / 3_600_000, o.outputConstant);
  const store = new ResultsStore(':memory:');
  const res = await runPlan({ plan, source: b.source, reference: b.referenceInstrument, dut: b.dut, store, clock });
  return { plan, res, cert: buildCertificate(store, res.runId, { issuedAt: Date.now() }) };
}

test('defaults: starting current 0.4 % of In; no-load time 600e6 / (K m Un Imax) minutes', () => {
  const plan = generatePlan({ ...ratings, supply: 'ac', phases: 1, method: 'pulse', meterConstantImpPerKWh: 1000, additional: true });
  assert.is(startingCurrentOf(plan), 0.024);
  // 600e6 / (1000 x 1 x 230 x 32) = 81.52 minutes
  assert.is(Math.round(noLoadSecondsOf(plan)!), Math.round((600e6 / (1000 * 230 * 32)) * 60));
});

test('a good meter passes starting, no-load and meter constant; they are listed as additional', async () => {
  const { res, cert } = await run({ outputConstant: 1000 });
  assert.equal(cert.additional.map((a) => [a.test, a.passed]), [['starting', true], ['no-load', true], ['meter-constant', true]]);
  assert.is(res.verdict, 'pass');
});

test('a test output at the wrong constant fails the constant test (and, by the pulse method, the points)', async () => {
  const { res, cert } = await run({ outputConstant: 1050 });
  assert.is(cert.additional.find((a) => a.test === 'meter-constant')!.passed, false);
  assert.is(res.verdict, 'fail', 'pulses 5 % fast: every point sees it');
});

test('a meter that creeps 3 Wh per hour (4 pulses in the 81.5 min) fails no-load', async () => {
  const { res, cert } = await run({ outputConstant: 1000, creepWh: 3 });
  assert.is(cert.additional.find((a) => a.test === 'no-load')!.passed, false);
  assert.is(res.verdict, 'pass', 'an additional test does not decide the Type 5 verdict');
});

test.run();
