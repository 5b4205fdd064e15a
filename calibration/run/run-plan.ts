// Runs a plan on a bench: source, reference standard and device under test, one point after another.
// Measuring method (start-stop): at each repetition the source output is off while both the device
// register and the reference are read, so the time taken by the reads adds no energy to either side.
//   settle at the point with output on -> for each repetition:
//     output off, wait registerSettleS, read device register E0, reset reference,
//     output on for the measuring time, output off, wait registerSettleS, read E1 and the reference.
// Every repetition is committed to SQLite at once; a point is complete when its summary row is written.
import { registerWhileFlowing } from '../../drivers/meter-driver.js';
import type { Clock } from '../../drivers/clock.js';
import { AmsgateError, DeviceError } from '../../drivers/errors.js';
import type { MeterDriver } from '../../drivers/meter-driver.js';
import { toNumber } from '../../drivers/rational.js';
import type { BenchSource, ReferenceStandard } from '../instruments/instrument-types.js';
import { errorPercent } from '../maths/error-percent.js';
import { measurementDurationS } from '../maths/measurement-duration.js';
import { mean, sampleStdDev } from '../maths/statistics.js';
import { uncertaintyBudget } from '../maths/uncertainty.js';
import { DECISION_RULE, overallVerdict, verdictOf, type Verdict } from '../maths/verdict.js';
import { phaseDegOf, pointPowerW, type Plan, type PlanPoint } from '../plan/plan-schema.js';
import { planHash, type PointRow, type ResultsStore } from './results-store.js';

export class RunAborted extends AmsgateError {}

export interface ProgressEvent {
  pointIndex: number;
  pointCount: number;
  pointId: string;
  rep: number;
  reps: number;
  /** Bench-clock seconds of dwell left in the plan (estimate). */
  secondsLeft: number;
  phase: 'settle' | 'measure' | 'done' | 'skipped';
  lastErrorPct?: number;
}

export interface RunOptions {
  plan: Plan;
  source: BenchSource;
  reference: ReferenceStandard;
  dut: MeterDriver;
  store: ResultsStore;
  clock: Clock;
  /** Label of the run in the database ("before", "after", ...). */
  label?: string;
  resume?: boolean;
  /** Multiplies every dwell (settle, register settle, measuring time): below 1 for dry runs only. */
  dwellScale?: number;
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  notes?: string;
  /** Gateway compensation to apply to the device's registered energy (calibration factor), default 1. */
  deviceFactor?: number;
}

export interface RunResult {
  runId: number;
  resumed: boolean;
  skippedPoints: string[];
  points: PointRow[];
  verdict: Verdict;
}

async function deviceWh(dut: MeterDriver, direction: 'import' | 'export' = 'import'): Promise<{ wh: number; whPerCount: number }> {
  const s = await dut.sample();
  const reg = registerWhileFlowing(s, direction);
  if (!reg) throw new DeviceError(`no-${direction}-register`, `device ${dut.modelId} returned no ${direction} energy register; the ${direction} points need one`);
  // A float register resolves no better than its last place: the effective resolution is the coarser one.
  const q = Math.max(toNumber(reg.whPerCount), reg.floatUlpWh ?? 0);
  return { wh: Number(reg.value) * toNumber(reg.whPerCount), whPerCount: q };
}

/** Measuring time per repetition for a point (plan override, else the resolution rule). */
export function durationForPoint(plan: Plan, p: PlanPoint, whPerCount: number): number {
  return (
    p.durationS ??
    measurementDurationS({
      whPerCount,
      powerW: pointPowerW(p, plan.device.phases),
      limitPct: p.limitPct,
      share: plan.defaults.resolutionShare,
      minS: plan.defaults.minDurationS,
      maxS: plan.defaults.maxDurationS,
    })
  );
}

export async function runPlan(o: RunOptions): Promise<RunResult> {
  const { plan, source, reference, dut, store, clock } = o;
  const label = o.label ?? 'run';
  const scale = o.dwellScale ?? 1;
  const hash = planHash(plan);
  const existing = o.resume ? store.unfinishedRun(hash, label) : null;
  const done = new Set(existing ? store.points(existing.id).map((p) => p.pointId) : []);
  const ident = await dut.identify();
  const runId =
    existing?.id ??
    store.createRun({
      label,
      planJson: JSON.stringify(plan),
      planHash: hash,
      startedAt: clock.now(),
      dutJson: JSON.stringify(ident),
      sourceId: await source.identify(),
      referenceId: await reference.identify(),
      referenceAccuracyPct: plan.reference.accuracyPct,
      decisionRule: DECISION_RULE,
      notes: (o.notes ?? '') + (o.deviceFactor && o.deviceFactor !== 1 ? ` device energy x${o.deviceFactor} (gateway calibration factor).` : '') + (scale !== 1 ? ` dwell scaled x${scale}: not valid for certification.` : ''),
    });
  const sleep = (s: number): Promise<void> => clock.sleep(s * 1000 * scale);
  const first = await deviceWh(dut);
  const whPerCount = first.whPerCount;
  const remaining = plan.points.filter((p) => !done.has(p.id));
  const repsOf = (p: PlanPoint): number => p.repetitions ?? plan.defaults.repetitions;
  const dwellOf = (p: PlanPoint): number =>
    (plan.defaults.settleS + repsOf(p) * (durationForPoint(plan, p, whPerCount) + 2 * plan.defaults.registerSettleS)) * scale;
  let secondsLeft = remaining.reduce((a, p) => a + dwellOf(p), 0);
  const skipped: string[] = [];
  const check = (): void => {
    if (o.signal?.aborted) throw new RunAborted('aborted', `run ${runId} interrupted; resume with --resume to continue at the next unfinished point`);
  };

  try {
    for (const [index, p] of plan.points.entries()) {
      const reps = repsOf(p);
      if (done.has(p.id)) {
        skipped.push(p.id);
        o.onProgress?.({ pointIndex: index, pointCount: plan.points.length, pointId: p.id, rep: reps, reps, secondsLeft, phase: 'skipped' });
        continue;
      }
      check();
      store.discardIncompletePoint(runId, p.id);
      // A float register's resolution coarsens as it grows: take it afresh at every point.
      let q = Math.max(whPerCount, (await deviceWh(dut, p.direction)).whPerCount);
      const duration = durationForPoint(plan, p, q);
      await source.output(false);
      await source.apply({ voltageV: p.voltageV, currentA: p.currentA, phaseDeg: phaseDegOf(p), frequencyHz: p.frequencyHz });
      await source.output(true);
      o.onProgress?.({ pointIndex: index, pointCount: plan.points.length, pointId: p.id, rep: 0, reps, secondsLeft, phase: 'settle' });
      await sleep(plan.defaults.settleS);
      secondsLeft -= plan.defaults.settleS * scale;
      const errors: number[] = [];
      const refEnergies: number[] = [];
      for (let rep = 1; rep <= reps; rep++) {
        check();
        const startedAt = clock.now();
        // After the settle the output is on; after a repetition it is already off.
        if (rep === 1) await source.output(false);
        await sleep(plan.defaults.registerSettleS);
        const e0 = await deviceWh(dut, p.direction);
        await reference.reset();
        await source.output(true);
        await sleep(duration);
        await source.output(false);
        await sleep(plan.defaults.registerSettleS);
        const e1 = await deviceWh(dut, p.direction);
        const refWh = await reference.readEnergyWh();
        q = Math.max(q, e0.whPerCount, e1.whPerCount);
        const devWh = (e1.wh - e0.wh) * (o.deviceFactor ?? 1);
        const err = errorPercent(devWh, refWh);
        store.addRepetition({ runId, pointId: p.id, rep, deviceWh: devWh, referenceWh: refWh, errorPct: err, startedAt, finishedAt: clock.now() });
        errors.push(err);
        refEnergies.push(refWh);
        secondsLeft -= (duration + 2 * plan.defaults.registerSettleS) * scale;
        o.onProgress?.({ pointIndex: index, pointCount: plan.points.length, pointId: p.id, rep, reps, secondsLeft: Math.max(0, secondsLeft), phase: 'measure', lastErrorPct: err });
      }
      const m = mean(errors);
      const sd = sampleStdDev(errors);
      const u = uncertaintyBudget({
        stdDevPct: sd,
        n: errors.length,
        referenceAccuracyPct: plan.reference.accuracyPct,
        referenceCertificateUPct: plan.reference.certificateUncertaintyPct,
        whPerCount: q,
        energyWh: mean(refEnergies),
      });
      store.addPoint({
        runId,
        pointId: p.id,
        seq: index,
        durationS: duration * scale,
        whPerCount: q,
        n: errors.length,
        meanErrorPct: m,
        stdDevPct: sd,
        typeAPct: u.typeAPct,
        referencePct: u.referencePct,
        resolutionPct: u.resolutionPct,
        expandedPct: u.expandedPct,
        limitPct: p.limitPct,
        verdict: verdictOf(m, u.expandedPct, p.limitPct),
        finishedAt: clock.now(),
      });
      o.onProgress?.({ pointIndex: index, pointCount: plan.points.length, pointId: p.id, rep: reps, reps, secondsLeft: Math.max(0, secondsLeft), phase: 'done' });
    }
  } finally {
    await source.output(false).catch(() => {});
  }
  store.finishRun(runId, clock.now());
  const points = store.points(runId);
  return { runId, resumed: existing !== null, skippedPoints: skipped, points, verdict: overallVerdict(points.map((p) => p.verdict)) };
}
