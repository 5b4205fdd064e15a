// End-to-end runs of full Type 5 plans on the in-process simulated bench (virtual clock: seconds of CPU
// for hours of bench time), resume after an interruption, and calibration of a chip with registers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePlan } from '../../calibration/plan/generate-plan.js';
import { runPlan, RunAborted } from '../../calibration/run/run-plan.js';
import { ResultsStore } from '../../calibration/run/results-store.js';
import { VirtualClock } from '../../calibration/sim/virtual-clock.js';
import { simulatedBench } from '../../calibration/sim/simulated-bench.js';
import { presetCurve } from '../../calibration/sim/dut-error-curves.js';
import type { Plan } from '../../calibration/plan/plan-schema.js';
import { calibrateFromRun } from '../../calibration/calibrate/calibrate-from-run.js';
import type { SimChipDut } from '../../calibration/sim/sim-dut.js';

const dir = mkdtempSync(join(tmpdir(), 'amsgate-bench-'));
let n = 0;
const dbPath = () => join(dir, `r${++n}.sqlite`);
const ratings = { unV: 230, inA: 6, imaxA: 32 };
const acPlan = generatePlan({ ...ratings, supply: 'ac', phases: 1 });
const dcPlan = generatePlan({ unV: 400, inA: 6, imaxA: 32, supply: 'dc', phases: 1 });

async function runWith(plan: Plan, curveName: string, store = new ResultsStore(dbPath())) {
  const clock = new VirtualClock();
  const r = { unV: plan.device.unV, inA: plan.device.inA, imaxA: plan.device.imaxA };
  const bench = simulatedBench({ plan, clock, dut: { curve: presetCurve(curveName, r) } });
  const res = await runPlan({ plan, source: bench.source, reference: bench.referenceInstrument, dut: bench.dut, store, clock });
  return { res, store };
}

for (const [name, plan] of [['a.c.', acPlan], ['d.c.', dcPlan]] as const) {
  test(`${name} plan: a good meter passes every point`, async () => {
    const { res, store } = await runWith(plan, 'pass');
    assert.is(res.points.length, plan.points.length);
    assert.ok(res.points.every((p) => p.verdict === 'pass'), JSON.stringify(res.points.map((p) => [p.pointId, p.meanErrorPct, p.verdict])));
    assert.is(res.verdict, 'pass');
    // n >= 3 repetitions each, mean matches the simulated curve within the uncertainty
    assert.ok(res.points.every((p) => p.n === 3 && p.expandedPct > 0 && p.expandedPct < 0.3));
    store.close();
  });

  test(`${name} plan: a meter 4 % high at In fails at low current only`, async () => {
    const { res, store } = await runWith(plan, 'fail-low-current');
    const byId = new Map(res.points.map((p) => [p.pointId, p]));
    for (const p of plan.points) {
      const got = byId.get(p.id)!;
      if (p.currentA === 6) assert.is(got.verdict, 'fail', `${p.id} ${got.meanErrorPct}`);
      if (p.currentA >= 16) assert.is(got.verdict, 'pass', `${p.id} ${got.meanErrorPct}`);
    }
    assert.is(res.verdict, 'fail');
    store.close();
  });

  test(`${name} plan: a meter sitting on the limit is inconclusive`, async () => {
    const { res, store } = await runWith(plan, 'on-limit');
    assert.ok(res.points.every((p) => p.verdict === 'inconclusive'), JSON.stringify(res.points.map((p) => [p.pointId, p.meanErrorPct, p.expandedPct])));
    assert.is(res.verdict, 'inconclusive');
    store.close();
  });
}

test('the measuring time keeps register resolution within a tenth of the limit', async () => {
  const { res, store } = await runWith(acPlan, 'pass');
  for (const p of res.points) {
    const reps = store.repetitions(res.runId, p.pointId);
    for (const r of reps) assert.ok((100 * p.whPerCount) / r.referenceWh <= p.limitPct / 10 + 1e-9);
  }
  store.close();
});

test('an interrupted run resumes at the next point without redoing finished points', async () => {
  const store = new ResultsStore(dbPath());
  const clock = new VirtualClock();
  const bench = simulatedBench({ plan: acPlan, clock, dut: { curve: presetCurve('fail-low-current', ratings) } });
  const ac = new AbortController();
  let threw: unknown = null;
  try {
    await runPlan({
      plan: acPlan, source: bench.source, reference: bench.referenceInstrument, dut: bench.dut, store, clock,
      signal: ac.signal,
      onProgress: (e) => {
        if (e.pointIndex === 6 && e.phase === 'measure' && e.rep === 2) ac.abort();
      },
    });
  } catch (e) {
    threw = e;
  }
  assert.instance(threw, RunAborted);
  const runId = store.runs()[0]!.id;
  const before = store.points(runId);
  assert.is(before.length, 6);
  assert.is(store.repetitions(runId, acPlan.points[6]!.id).length, 2, 'partial point left its committed repetitions');
  const repsBefore = store.repetitions(runId).filter((r) => before.some((p) => p.pointId === r.pointId));
  // resume with a fresh bench (as after a restart)
  const clock2 = new VirtualClock(clock.now() + 60_000);
  const bench2 = simulatedBench({ plan: acPlan, clock: clock2, dut: { curve: presetCurve('fail-low-current', ratings) } });
  const res = await runPlan({ plan: acPlan, source: bench2.source, reference: bench2.referenceInstrument, dut: bench2.dut, store, clock: clock2, resume: true });
  assert.ok(res.resumed);
  assert.is(res.runId, runId);
  assert.equal(res.skippedPoints, acPlan.points.slice(0, 6).map((p) => p.id));
  assert.is(res.points.length, acPlan.points.length);
  assert.equal(res.points.slice(0, 6), before, 'finished points untouched');
  const repsAfter = store.repetitions(runId).filter((r) => before.some((p) => p.pointId === r.pointId));
  assert.equal(repsAfter, repsBefore, 'no repetition of a finished point was redone');
  assert.is(store.repetitions(runId, acPlan.points[6]!.id).length, 3);
  // same final verdicts as an uninterrupted run
  const straight = await runWith(acPlan, 'fail-low-current');
  assert.equal(res.points.map((p) => p.verdict), straight.res.points.map((p) => p.verdict));
  res.points.forEach((p, i) => assert.ok(Math.abs(p.meanErrorPct - straight.res.points[i]!.meanErrorPct) < 0.05));
  store.close();
  straight.store.close();
});

test('calibrating a chip with gain and phase off brings every point inside the limits', async () => {
  const store = new ResultsStore(dbPath());
  const clock = new VirtualClock();
  const bench = simulatedBench({ plan: acPlan, clock, dut: { chip: { gainError: 0.035, phaseErrorDeg: 0.8, voltageRmsError: 0.01, currentRmsError: -0.02 } } });
  const before = await runPlan({ plan: acPlan, source: bench.source, reference: bench.referenceInstrument, dut: bench.dut, store, clock, label: 'before' });
  assert.is(before.verdict, 'fail');
  const chip = bench.dut as SimChipDut;
  const outcome = await calibrateFromRun({ store, runId: before.runId, chip, rms: { referenceV: 230, measuredV: 230 * 1.01, referenceA: 16, measuredA: 16 * 0.98 }, at: clock.now() });
  assert.is(outcome.method, 'atm90e26-registers');
  assert.ok(Math.abs(outcome.corrections.phaseErrorDeg! - 0.8) < 0.02, `phase ${outcome.corrections.phaseErrorDeg}`);
  assert.ok(Math.abs(outcome.corrections.gainFactor - 1 / 1.035) < 1e-3);
  assert.equal(outcome.registers!.readBack, outcome.registers!.written);
  const after = await runPlan({ plan: acPlan, source: bench.source, reference: bench.referenceInstrument, dut: bench.dut, store, clock, label: 'after' });
  assert.ok(after.points.every((p) => p.verdict === 'pass' && Math.abs(p.meanErrorPct) < 0.3), JSON.stringify(after.points.map((p) => [p.pointId, p.meanErrorPct.toFixed(3)])));
  await bench.source.apply({ voltageV: 230, currentA: 16, phaseDeg: 0, frequencyHz: 50 });
  await bench.source.output(true);
  const s = await bench.dut.sample();
  assert.ok(Math.abs(s.instant.currentA![0]! / (16 * 1.001) - 1) < 0.002, `Irms after IgainL ${s.instant.currentA}`);
  assert.ok(Math.abs(s.instant.voltageV![0]! / (230 * 1.001) - 1) < 0.002, `Urms after Ugain ${s.instant.voltageV}`);
  store.close();
});

test('a meter without registers gets an exact calibration factor for the gateway', async () => {
  const store = new ResultsStore(dbPath());
  const clock = new VirtualClock();
  const curve = () => 0.03;
  const bench = simulatedBench({ plan: dcPlan, clock, dut: { curve } });
  const before = await runPlan({ plan: dcPlan, source: bench.source, reference: bench.referenceInstrument, dut: bench.dut, store, clock, label: 'before' });
  assert.is(before.verdict, 'fail');
  const out = await calibrateFromRun({ store, runId: before.runId, at: clock.now() });
  assert.is(out.method, 'gateway-factor');
  assert.match(out.calibrationFactor!, /^0\.97\d{4}$/);
  // the re-run goes through the gateway's own compensation with that factor
  assert.is(out.compensation!.calibrationFactor, out.calibrationFactor);
  const after = await runPlan({ plan: dcPlan, source: bench.source, reference: bench.referenceInstrument, dut: bench.dut, store, clock, label: 'after', compensation: out.compensation, environment: { temperatureC: 23 } });
  assert.is(after.verdict, 'pass');
  store.close();
});

test('export points read the export register: a meter 3 % high on export fails only there', async () => {
  const plan = generatePlan({ unV: 400, inA: 6, imaxA: 32, supply: 'dc', phases: 1, export: true });
  const clock = new VirtualClock();
  const bench = simulatedBench({ plan, clock, dut: { curve: presetCurve('pass', ratings), exportCurve: () => 0.03 } });
  const store = new ResultsStore(dbPath());
  const res = await runPlan({ plan, source: bench.source, reference: bench.referenceInstrument, dut: bench.dut, store, clock });
  const dir = new Map(plan.points.map((p) => [p.id, p.direction]));
  for (const p of res.points) {
    if (dir.get(p.pointId) === 'export') {
      assert.is(p.verdict, 'fail', p.pointId);
      assert.ok(Math.abs(p.meanErrorPct - 3) < 0.1, `${p.pointId} ${p.meanErrorPct}`);
    } else assert.is(p.verdict, 'pass', p.pointId);
  }
  store.close();
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
