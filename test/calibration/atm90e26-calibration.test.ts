// Calibration evidence with the project's ATM90E26: its simulator (gain and phase off, registers honoured)
// on a pty, read by its driver, calibrated through drivers/uart/atm90e26/calibration.ts (unlock, write,
// checksum, read-back), then the full a.c. plan re-run: every point inside the limits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generatePlan } from '../../calibration/plan/generate-plan.js';
import { runPlan } from '../../calibration/run/run-plan.js';
import { ResultsStore } from '../../calibration/run/results-store.js';
import { simulatedSetup } from '../../calibration/run/bench-setup.js';
import { calibrateFromRun } from '../../calibration/calibrate/calibrate-from-run.js';
import { rmsCheck } from '../../calibration/calibrate/rms-check.js';

test('ATM90E26 simulator 3 % fast with 0.6 degree phase error: fails, calibrated, passes everywhere', async () => {
  const plan = generatePlan({ unV: 230, inA: 6, imaxA: 32, supply: 'ac', phases: 1 });
  plan.defaults.settleS = 2;
  const setup = await simulatedSetup(plan, { dutModel: 'atm90e26', dutError: 'pass', chipGainError: 0.03, chipPhaseErrorDeg: 0.6, speed: 5000, inProcess: false });
  const store = new ResultsStore(':memory:');
  try {
    assert.ok(setup.chip, 'the ATM90E26 driver exposes its calibration registers');
    const before = await runPlan({ plan, source: setup.source, reference: setup.reference, dut: setup.dut, store, clock: setup.clock, label: 'before' });
    assert.is(before.verdict, 'fail');
    const lag = before.points.find((p) => p.pointId.includes('PF0.5L'))!;
    const unity = before.points[0]!;
    assert.ok(lag.meanErrorPct - unity.meanErrorPct > 1.5, 'the phase error shows at PF 0.5 lag');
    const rms = await rmsCheck(plan, setup.source, setup.reference, setup.dut, setup.clock);
    assert.ok(rms && Math.abs(rms.measuredV / rms.referenceV - 1.01) < 0.002, `Urms before ${rms?.measuredV} vs ${rms?.referenceV}`);
    assert.ok(Math.abs(rms.referenceV / 230 - 1.001) < 0.001, 'RMS reference comes from the standard (which sees the source error)');
    const out = await calibrateFromRun({ store, runId: before.runId, chip: setup.chip!, rms, at: setup.clock.now() });
    assert.ok(Math.abs(out.corrections.phaseErrorDeg! - 0.6) < 0.03, `phase ${out.corrections.phaseErrorDeg}`);
    assert.equal(out.registers!.readBack, out.registers!.written);
    const after = await runPlan({ plan, source: setup.source, reference: setup.reference, dut: setup.dut, store, clock: setup.clock, label: 'after' });
    assert.is(after.verdict, 'pass', JSON.stringify(after.points.map((p) => [p.pointId, p.meanErrorPct.toFixed(3), p.verdict])));
    assert.ok(after.points.every((p) => Math.abs(p.meanErrorPct) < 0.2));
    const rms2 = await rmsCheck(plan, setup.source, setup.reference, setup.dut, setup.clock);
    assert.ok(rms2 && Math.abs(rms2.measuredV / rms2.referenceV - 1) < 0.002, `Urms after ${rms2?.measuredV}`);
    assert.ok(Math.abs(rms2.measuredA / rms2.referenceA - 1) < 0.002, `Irms after ${rms2?.measuredA}`);
  } finally {
    store.close();
    await setup.close();
  }
});

test.run();
