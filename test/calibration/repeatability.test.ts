// Repeatability acceptance: a point whose repetitions spread too much for its limit (s > maxSpreadShare x
// limit, default a fifth) is reported as such and never accepted, even when |error| + U fits the limit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generatePlan } from '../../calibration/plan/generate-plan.js';
import { runPlan } from '../../calibration/run/run-plan.js';
import { ResultsStore } from '../../calibration/run/results-store.js';
import { VirtualClock } from '../../calibration/sim/virtual-clock.js';
import { simulatedBench } from '../../calibration/sim/simulated-bench.js';
import { buildCertificate } from '../../calibration/report/certificate.js';
import { checkPlanRequest } from '../../calibration/plan/check-plan-request.js';

test('a point with too large a spread is flagged and not accepted', async () => {
  const plan = generatePlan({ unV: 400, inA: 6, imaxA: 32, supply: 'dc', phases: 1, repetitions: 8 });
  const clock = new VirtualClock();
  // A noisy reading chain: 0.7 % standard deviation per reading, no systematic error.
  const b = simulatedBench({ plan, clock, dut: { curve: () => 0 }, referenceError: 0, referenceNoise: 0.007, seed: 3 });
  const store = new ResultsStore(':memory:');
  const res = await runPlan({ plan, source: b.source, reference: b.referenceInstrument, dut: b.dut, store, clock });
  const share = plan.defaults.maxSpreadShare;
  assert.is(share, 0.2);
  let flaggedThatWouldPass = 0;
  for (const p of res.points) {
    const tooLarge = p.stdDevPct > share * p.limitPct;
    assert.is(p.spreadTooLarge === 1, tooLarge, p.pointId);
    if (tooLarge) {
      assert.is.not(p.verdict, 'pass', p.pointId);
      if (Math.abs(p.meanErrorPct) + p.expandedPct <= p.limitPct) flaggedThatWouldPass++;
    }
  }
  assert.ok(flaggedThatWouldPass > 0, 'the seed gives at least one point the guard band alone would have passed');
  const cert = buildCertificate(store, res.runId, { issuedAt: Date.now() });
  assert.ok(cert.points.some((p) => p.spreadTooLarge));
});

test('the share is the plan\'s to set: the same noisy run with maxSpreadShare 1 flags nothing; a bad share is one line', async () => {
  const plan = generatePlan({ unV: 400, inA: 6, imaxA: 32, supply: 'dc', phases: 1, repetitions: 8, maxSpreadShare: 1 });
  assert.is(plan.defaults.maxSpreadShare, 1);
  const clock = new VirtualClock();
  const b = simulatedBench({ plan, clock, dut: { curve: () => 0 }, referenceError: 0, referenceNoise: 0.007, seed: 3 });
  const res = await runPlan({ plan, source: b.source, reference: b.referenceInstrument, dut: b.dut, store: new ResultsStore(':memory:'), clock });
  assert.is(res.points.filter((p) => p.spreadTooLarge === 1).length, 0);
  assert.throws(() => checkPlanRequest({ unV: 230, inA: 6, imaxA: 32, supply: 'ac', phases: 1, maxSpreadShare: 0 }), /--max-spread-share 0: .*above 0 and at most 1/);
});

test.run();
