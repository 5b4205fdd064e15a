// The bench with a catalog device as DUT: the project's SDM630 simulator on Modbus TCP, driven by the
// simulated source through its PhysicalMeter, read by the SDM630 driver, SCPI instruments on ptys.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generatePlan } from '../../calibration/plan/generate-plan.js';
import { runPlan } from '../../calibration/run/run-plan.js';
import { ResultsStore } from '../../calibration/run/results-store.js';
import { simulatedSetup } from '../../calibration/run/bench-setup.js';

test('SDM630 simulator as DUT: a meter 4 % high at In fails there and passes at Imax', async () => {
  const plan = generatePlan({ unV: 230, inA: 5, imaxA: 100, supply: 'ac', phases: 3 });
  plan.defaults.settleS = 2;
  const setup = await simulatedSetup(plan, { dutModel: 'sdm630', dutError: 'fail-low-current', chipGainError: 0, chipPhaseErrorDeg: 0, speed: 20000, inProcess: false });
  const store = new ResultsStore(':memory:');
  try {
    assert.match(setup.describe, /pty pairs.*DUT sdm630/);
    const res = await runPlan({ plan, source: setup.source, reference: setup.reference, dut: setup.dut, store, clock: setup.clock });
    const by = new Map(res.points.map((p) => [p.pointId, p]));
    for (const p of plan.points) {
      const r = by.get(p.id)!;
      if (p.currentA === 5) assert.is(r.verdict, 'fail', `${p.id} ${r.meanErrorPct}`);
      if (p.currentA === 100) {
        assert.is(r.verdict, 'pass', `${p.id} ${r.meanErrorPct}`);
        assert.ok(Math.abs(r.meanErrorPct - 0.4) < 0.2, `${p.id} ${r.meanErrorPct}`);
      }
    }
    // The float32 kWh register's resolution sets the measuring time: longest at the lowest power.
    const d = (id: string) => by.get(id)!.durationS;
    assert.ok(d(plan.points[0]!.id) > d(plan.points[3]!.id), 'lower power needs a longer measurement');
  } finally {
    store.close();
    await setup.close();
  }
});

test.run();
