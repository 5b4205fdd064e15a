// Runs a plan on a bench: source, reference standard and device under test, one point after another.
// Measuring method (start-stop): at each repetition the source output is off while both the device
// register and the reference are read, so the time taken by the reads adds no energy to either side.
//   settle at the point with output on -> for each repetition:
//     output off, wait registerSettleS, read device register E0, reset reference,
//     output on for the measuring time, output off, wait registerSettleS, read E1 and the reference.
// Every repetition is committed to SQLite at once; a point is complete when its summary row is written.
// The device's energy goes through the gateway's own compensation (device/compensation), exactly.
import { systemClock, type Clock } from '../../drivers/clock.js';
import { AmsgateError } from '../../drivers/errors.js';
import type { MeterDriver } from '../../drivers/meter-driver.js';
import { toNumber } from '../../drivers/rational.js';
import { compensationFactor, NEUTRAL_COMPENSATION, validateCompensation, type CompensationSettings } from '../../device/compensation/compensation.js';
import type { BenchSource, ReferenceStandard } from '../instruments/instrument-types.js';
import { OutputLiveError } from '../instruments/instrument-error.js';
import { errorPercent } from '../maths/error-percent.js';
import { measurementDurationS } from '../maths/measurement-duration.js';
import { mean, sampleStdDev } from '../maths/statistics.js';
import { uncertaintyBudget } from '../maths/uncertainty.js';
import { runVerdict, verdictOf, type Verdict } from '../maths/verdict.js';
import { withinReferenceConditions, type EnvironmentReading, type RecordedEnvironment } from '../maths/reference-conditions.js';
import { phaseDegOf, pointPowerW, type Plan, type PlanPoint } from '../plan/plan-schema.js';
import { isInformative } from '../plan/informative.js';
import type { PointRow, ResultsStore } from './results-store.js';
import { readEnvironment, startRun } from './run-start.js';
import { measureRepetition, readRegister, whPerPulse } from './repetition.js';
import { runAdditionalTests } from './additional-tests.js';

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
  /** The bench's clock (simulated benches run faster than real time). */
  clock: Clock;
  /** Real time for the run record and the certificate (default the system clock). */
  wallClock?: Clock;
  /** Label of the run in the database ("before", "after", ...). */
  label?: string;
  resume?: boolean;
  /** Multiplies every dwell (settle, register settle, measuring time): below 1 for dry runs only. */
  dwellScale?: number;
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  /** Told when the run stopped on an error and the output was switched off. */
  onNote?: (text: string) => void;
  notes?: string;
  /** The gateway's compensation applied to the device's register energy (after calibration: calibrationFactor). */
  compensation?: CompensationSettings;
  /** The DUT's phase count where known: a mismatch with the plan is refused before any energy flows. */
  dutPhases?: number;
  /** Conditions entered by the operator; otherwise read from the reference where it has sensors. */
  environment?: Partial<EnvironmentReading>;
  /** Source, reference or DUT simulated: the run and its certificate say so. */
  simulated?: boolean;
}

export interface RunResult {
  runId: number;
  resumed: boolean;
  skippedPoints: string[];
  points: PointRow[];
  environment: RecordedEnvironment;
  withinReference: boolean | null;
  verdict: Verdict;
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

/** Signed power factor as the compensation takes it (negative = leading; null for d.c.). */
const signedPf = (p: PlanPoint): number | null => (p.pfKind === 'dc' ? null : p.pfKind === 'lead' ? -p.pf : p.pf);

export async function runPlan(o: RunOptions): Promise<RunResult> {
  const { plan, source, reference, dut, store, clock } = o;
  const wall = o.wallClock ?? systemClock;
  const label = o.label ?? 'run';
  const scale = o.dwellScale ?? 1;
  const comp = o.compensation ?? NEUTRAL_COMPENSATION;
  validateCompensation(comp);
  const started = await startRun({
    plan, source, reference, dut, store, label, resume: !!o.resume, dutPhases: o.dutPhases, environment: o.environment, simulated: !!o.simulated,
    notes: (o.notes ?? '') + (comp.calibrationFactor !== '1' ? ` device energy x${comp.calibrationFactor} through the gateway compensation (calibrationFactor).` : '') + (scale !== 1 ? ` dwell scaled x${scale}: not valid for certification.` : ''),
    benchNow: clock.now(),
    wallNow: wall.now(),
  });
  const runId = started.runId;
  const done = new Set(started.resumed ? store.points(runId).map((p) => p.pointId) : []);
  const sleep = (s: number): Promise<void> => clock.sleep(s * 1000 * scale);
  // The device side's resolution: the register step, or one pulse of the test output.
  const pulse = plan.method === 'pulse';
  const whPerCount = pulse ? toNumber(whPerPulse(plan)) : (await readRegister(dut)).q;
  const remaining = plan.points.filter((p) => !done.has(p.id));
  const repsOf = (p: PlanPoint): number => p.repetitions ?? plan.defaults.repetitions;
  const dwellOf = (p: PlanPoint): number =>
    (plan.defaults.settleS + repsOf(p) * (durationForPoint(plan, p, whPerCount) + 2 * plan.defaults.registerSettleS)) * scale;
  let secondsLeft = remaining.reduce((a, p) => a + dwellOf(p), 0);
  const skipped: string[] = [];
  const check = (): void => {
    if (o.signal?.aborted) throw new RunAborted('aborted', `run ${runId} interrupted; resume with --resume to continue at the next unfinished point`);
  };

  let stoppedOn: unknown = null;
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
      let q = pulse ? whPerCount : Math.max(whPerCount, (await readRegister(dut, p.direction)).q);
      const duration = durationForPoint(plan, p, q);
      const factor = compensationFactor(comp, signedPf(p));
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
        const r = await measureRepetition({ plan, point: p, source, reference, dut, durationS: duration, sleep, factor });
        const devWh = r.deviceWh;
        const refWh = r.referenceWh;
        q = Math.max(q, r.q);
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
        referenceAccuracyPct: started.referenceAccuracyPct,
        referenceCertificateUPct: plan.reference.certificateUncertaintyPct,
        whPerCount: q,
        energyWh: mean(refEnergies),
      });
      // Repeatability acceptance: a spread too large for the limit is reported, never accepted.
      const spreadTooLarge = sd > plan.defaults.maxSpreadShare * p.limitPct;
      const guarded = verdictOf(m, u.expandedPct, p.limitPct);
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
        k: u.k,
        effectiveDof: u.effectiveDof === Infinity ? null : u.effectiveDof,
        informative: isInformative(plan, p) ? 1 : 0,
        spreadTooLarge: spreadTooLarge ? 1 : 0,
        limitPct: p.limitPct,
        verdict: spreadTooLarge && guarded === 'pass' ? 'inconclusive' : guarded,
        finishedAt: clock.now(),
      });
      o.onProgress?.({ pointIndex: index, pointCount: plan.points.length, pointId: p.id, rep: reps, reps, secondsLeft: Math.max(0, secondsLeft), phase: 'done' });
    }
    if (plan.additional && store.additional(runId).length === 0) {
      check();
      for (const r of await runAdditionalTests({ plan, source, reference, dut, clock })) store.setAdditional(runId, r);
    }
  } catch (e) {
    stoppedOn = e;
  }
  // Never swallowed: if the output cannot be switched off, the terminals may be live.
  try {
    await source.output(false);
  } catch (off) {
    const why = stoppedOn ? `; the run had stopped on: ${(stoppedOn as Error).message}` : '';
    throw new OutputLiveError(
      'output-may-be-live',
      `OUTPUT MAY STILL BE LIVE: switching the source output off failed (${(off as Error).message})${why}. Switch the source off at the instrument before touching the wiring; run ${runId} is kept and can be resumed`,
    );
  }
  if (stoppedOn) {
    if (!(stoppedOn instanceof RunAborted)) o.onNote?.(`run ${runId} stopped on an error; the source output switched off`);
    throw stoppedOn;
  }
  return finish(o, runId, started.resumed !== null, skipped, wall.now());
}

async function finish(o: RunOptions, runId: number, resumed: boolean, skipped: string[], wallNow: number): Promise<RunResult> {
  const { store, plan } = o;
  const row = store.run(runId)!;
  let env = JSON.parse(row.environmentJson ?? 'null') as RecordedEnvironment | null;
  if (env?.source === 'instrument') {
    // A second reading at the end: the conditions must hold for the whole run.
    const end = await readEnvironment(o.reference);
    env = { ...env, end: end.source ? { temperatureC: end.temperatureC, humidityPct: end.humidityPct } : null };
    store.setEnvironment(runId, JSON.stringify(env));
  }
  store.finishRun(runId, o.clock.now(), wallNow);
  const points = store.points(runId);
  const environment = env ?? { temperatureC: null, humidityPct: null, source: null, end: null };
  const withinReference = withinReferenceConditions(environment, plan.environment);
  const verdict = runVerdict(points.filter((p) => !p.informative).map((p) => p.verdict), withinReference);
  return { runId, resumed, skippedPoints: skipped, points, environment, withinReference, verdict };
}
