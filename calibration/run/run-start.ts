// Starting or resuming a run: the checks made before any energy flows (phase count; on --resume, that the
// run recorded exists and was measured on the same plan, device, source and reference), the reference
// accuracy actually used, and the environment as measured or entered.
import { randomUUID } from 'node:crypto';
import { ConfigError } from '../../drivers/errors.js';
import type { MeterDriver, MeterIdentity } from '../../drivers/meter-driver.js';
import type { BenchSource, ReferenceStandard } from '../instruments/instrument-types.js';
import { NOT_RECORDED, type EnvironmentReading, type RecordedEnvironment } from '../maths/reference-conditions.js';
import { DECISION_RULE } from '../maths/verdict.js';
import type { Plan } from '../plan/plan-schema.js';
import { planHash, type ResultsStore, type RunRow } from './results-store.js';

export interface StartInput {
  plan: Plan;
  source: BenchSource;
  reference: ReferenceStandard;
  dut: MeterDriver;
  store: ResultsStore;
  label: string;
  resume: boolean;
  /** The DUT's phase count where the driver or catalog knows it. */
  dutPhases?: number;
  /** Operator-entered conditions (--temperature/--humidity); they take precedence over an instrument's. */
  environment?: Partial<EnvironmentReading>;
  simulated: boolean;
  notes: string;
  benchNow: number;
  wallNow: number;
}

export interface Started {
  runId: number;
  resumed: RunRow | null;
  referenceAccuracyPct: number;
  referenceAccuracySource: 'certificate' | 'instrument' | 'plan';
}

const identityText = (i: MeterIdentity): string => [i.vendor, i.model, i.serial ?? '-', i.firmware ?? '-'].join(' ');

/** Environment from the operator's entry, else the instrument, else not recorded. */
export async function readEnvironment(reference: ReferenceStandard, entered?: Partial<EnvironmentReading>): Promise<RecordedEnvironment> {
  if (entered && (entered.temperatureC !== undefined || entered.humidityPct !== undefined)) {
    return { temperatureC: entered.temperatureC ?? null, humidityPct: entered.humidityPct ?? null, source: 'entered', end: null };
  }
  const r = reference.environment ? await reference.environment() : null;
  if (!r || (r.temperatureC === null && r.humidityPct === null)) return NOT_RECORDED;
  return { temperatureC: r.temperatureC, humidityPct: r.humidityPct, source: 'instrument', end: null };
}

export async function startRun(i: StartInput): Promise<Started> {
  const { plan } = i;
  if (i.dutPhases !== undefined && i.dutPhases !== plan.device.phases) {
    throw new ConfigError(
      'phase-mismatch',
      `the DUT is a ${i.dutPhases}-phase meter but this is a ${plan.device.phases}-phase plan; generate a plan with --phases ${i.dutPhases}, or connect the meter the plan is for`,
    );
  }
  if (plan.method === 'pulse') {
    if (!i.reference.readPulses) throw new ConfigError('no-pulse-input', 'the pulse method needs a reference standard with a pulse input (MEAS:PULS?) wired to the DUT\'s test output; this one has none');
    await i.reference.readPulses(); // refuses now, before any energy flows, when nothing is wired
  }
  const hash = planHash(plan);
  const ident = await i.dut.identify();
  const sourceId = await i.source.identify();
  const referenceId = await i.reference.identify();
  if (i.resume) {
    const run = i.store.unfinishedRun(i.label);
    if (!run) {
      throw new ConfigError('nothing-to-resume', `nothing to resume: no unfinished run labelled "${i.label}" in the results database; run without --resume to start one`);
    }
    const was = JSON.parse(run.dutJson) as MeterIdentity;
    const diffs: string[] = [];
    if (run.planHash !== hash) diffs.push(`plan differs: run ${run.id} used plan ${run.planHash.slice(0, 12)}, this plan is ${hash.slice(0, 12)}`);
    if (identityText(was) !== identityText(ident)) diffs.push(`device differs: run ${run.id} measured "${identityText(was)}", connected now "${identityText(ident)}"`);
    if (run.sourceId !== sourceId) diffs.push(`source differs: run ${run.id} used "${run.sourceId}", connected now "${sourceId}"`);
    if (run.referenceId !== referenceId) diffs.push(`reference differs: run ${run.id} used "${run.referenceId}", connected now "${referenceId}"`);
    if (diffs.length > 0) {
      throw new ConfigError('resume-mismatch', `cannot resume: ${diffs.join('; ')}; resume on the same bench with the same plan, or run without --resume to start a new run`);
    }
    return { runId: run.id, resumed: run, referenceAccuracyPct: run.referenceAccuracyPct, referenceAccuracySource: run.referenceAccuracySource as Started['referenceAccuracySource'] };
  }
  // The reference's uncertainty: its calibration certificate when the plan gives it, else the class it
  // declares itself, else the class the plan states.
  const declared = plan.reference.certificateUncertaintyPct === undefined ? await i.reference.accuracyPct() : null;
  const referenceAccuracySource = plan.reference.certificateUncertaintyPct !== undefined ? 'certificate' : declared !== null ? 'instrument' : 'plan';
  const referenceAccuracyPct = declared ?? plan.reference.accuracyPct;
  const env = await readEnvironment(i.reference, i.environment);
  const runId = i.store.createRun({
    label: i.label,
    planJson: JSON.stringify(plan),
    planHash: hash,
    startedAt: i.benchNow,
    dutJson: JSON.stringify(ident),
    sourceId,
    referenceId,
    referenceAccuracyPct,
    decisionRule: DECISION_RULE,
    notes: i.notes,
    runUid: randomUUID().replace(/-/g, ''),
    simulated: i.simulated ? 1 : 0,
    referenceAccuracySource,
    environmentJson: JSON.stringify(env),
    wallStartedAt: i.wallNow,
  });
  return { runId, resumed: null, referenceAccuracyPct, referenceAccuracySource };
}
