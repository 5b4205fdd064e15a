// The certificate of a bench run as data: everything the HTML pages, the PDF, the signed JSON and --json
// show (pure apart from reading the results database through the store). Nothing is filled in that was not
// measured or entered: missing values are null and print as "not recorded".
import type { Plan } from '../plan/plan-schema.js';
import { limitTableFor } from '../limits/cop11-type5.js';
import type { PointRow, ResultsStore } from '../run/results-store.js';
import { runVerdict, type Verdict } from '../maths/verdict.js';
import { NOT_RECORDED, withinReferenceConditions, type RecordedEnvironment } from '../maths/reference-conditions.js';
import { ConfigError } from '../../drivers/errors.js';
import { METHOD_TEXT } from './method-text.js';

export const CERTIFICATE_FORMAT = 'amsgate-bench-certificate/2';

export interface CertificatePoint {
  id: string;
  note: string;
  currentA: number;
  percentImax: number;
  voltageV: number;
  pf: number;
  pfKind: string;
  direction: 'import' | 'export';
  frequencyHz: number | null;
  limitPct: number;
  row: string | null;
  informative: boolean;
  /** The repetitions spread more than the plan's maxSpreadShare of the limit: not accepted. */
  spreadTooLarge: boolean;
  n: number;
  durationS: number;
  /** Mean device and reference energy per repetition, Wh (the readings behind the error). */
  deviceWh: number;
  referenceWh: number;
  meanErrorPct: number;
  stdDevPct: number;
  uncertainty: { typeAPct: number; referencePct: number; resolutionPct: number; expandedPct: number; k: number; effectiveDof: number | null };
  verdict: Verdict;
}

export interface Certificate {
  format: typeof CERTIFICATE_FORMAT;
  certificateId: string;
  /** True when any instrument or the DUT was simulated: not a calibration of a real meter. */
  simulated: boolean;
  issuedAt: string;
  title: string;
  verdict: Verdict;
  laboratory: string;
  customer: string;
  approver: string;
  device: { make: string | null; model: string | null; serial: string | null; firmware: string | null; identity: Record<string, unknown>; supply: string; phases: number; unV: number; inA: number; imaxA: number; fnHz: number | null };
  instruments: {
    source: string;
    reference: string;
    referenceCertificateNumber: string | null;
    referenceCalibrationDue: string | null;
    referenceAccuracyPct: number;
    referenceCertificateUPct: number | null;
    /** Which value entered the budget: the reference's certificate, the class it declares itself, or the plan's class. */
    referenceAccuracySource: 'certificate' | 'instrument' | 'plan';
  };
  limits: { table: string; title: string; source: string; rows: { id: string; text: string; status: string }[] };
  method: string;
  decisionRule: string;
  environment: RecordedEnvironment & { referenceTemperatureC: number; toleranceC: number; withinReference: boolean | null; notes: string };
  operator: string;
  run: { id: number; uid: string; label: string; startedAt: string; finishedAt: string | null; notes: string };
  points: CertificatePoint[];
  /** IEC 62053-21 style tests, additional to CoP11 Table 4/5: reported, not part of the Type 5 verdict. */
  additional: { test: string; passed: boolean | null; detail: string }[];
  calibration: null | { method: string; gainFactor: number; phaseErrorDeg: number | null; detail: unknown; beforeRunId: number; afterRunId: number | null; before: { id: string; meanErrorPct: number; verdict: Verdict }[] };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** AMSG-<UTC start, to the minute>-<12 hex of the run's random id>: unique across databases and machines. */
export function certificateNumber(runUid: string, wallStartedAt: number): string {
  const t = new Date(wallStartedAt).toISOString();
  return `AMSG-${t.slice(0, 4)}${t.slice(5, 7)}${t.slice(8, 10)}T${t.slice(11, 13)}${t.slice(14, 16)}Z-${runUid.slice(0, 12).toUpperCase()}`;
}

export interface CertificateOptions {
  /** Real time of issue (ms). */
  issuedAt: number;
  operator?: string;
  laboratory?: string;
  customer?: string;
  approver?: string;
}

export function buildCertificate(store: ResultsStore, runId: number, o: CertificateOptions): Certificate {
  const run = store.run(runId);
  if (!run) throw new ConfigError('no-run', `no run ${runId} in the results database`);
  const plan = JSON.parse(run.planJson) as Plan;
  const rows = store.points(runId);
  const byId = new Map<string, PointRow>(rows.map((r) => [r.pointId, r]));
  const table = limitTableFor(plan.device.supply);
  const points: CertificatePoint[] = plan.points
    .filter((p) => byId.has(p.id))
    .map((p) => {
      const r = byId.get(p.id)!;
      const reps = store.repetitions(runId, p.id);
      const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
      return {
        id: p.id,
        note: p.note ?? '',
        currentA: p.currentA,
        percentImax: (100 * p.currentA) / plan.device.imaxA,
        voltageV: p.voltageV,
        pf: p.pf,
        pfKind: p.pfKind,
        direction: p.direction ?? 'import',
        frequencyHz: p.frequencyHz,
        limitPct: r.limitPct,
        row: p.row ?? null,
        informative: r.informative === 1,
        spreadTooLarge: r.spreadTooLarge === 1,
        n: r.n,
        durationS: r.durationS,
        deviceWh: avg(reps.map((x) => x.deviceWh)),
        referenceWh: avg(reps.map((x) => x.referenceWh)),
        meanErrorPct: r.meanErrorPct,
        stdDevPct: r.stdDevPct,
        uncertainty: { typeAPct: r.typeAPct, referencePct: r.referencePct, resolutionPct: r.resolutionPct, expandedPct: r.expandedPct, k: r.k, effectiveDof: r.effectiveDof },
        verdict: r.verdict,
      };
    });
  const cal = store.calibrations().filter((c) => c.afterRunId === runId).pop() ?? null;
  const incomplete = points.length < plan.points.length;
  const recorded = (JSON.parse(run.environmentJson ?? 'null') as RecordedEnvironment | null) ?? NOT_RECORDED;
  const withinReference = withinReferenceConditions(recorded, plan.environment);
  const deciding = points.filter((p) => !p.informative).map((p) => p.verdict);
  const id = JSON.parse(run.dutJson) as Record<string, unknown>;
  const said = (k: string): string | null => (typeof id[k] === 'string' && id[k] !== '' ? (id[k] as string) : null);
  return {
    format: CERTIFICATE_FORMAT,
    certificateId: certificateNumber(run.runUid, run.wallStartedAt),
    simulated: run.simulated === 1,
    issuedAt: iso(o.issuedAt),
    title: 'Accuracy test certificate: BSC CoP11 Asset Metering Type 5',
    verdict: incomplete ? 'inconclusive' : runVerdict(deciding, withinReference),
    laboratory: o.laboratory ?? plan.laboratory,
    customer: o.customer ?? plan.customer,
    approver: o.approver ?? '',
    device: {
      make: said('vendor') ?? plan.device.make ?? null,
      model: said('model') ?? plan.device.model ?? null,
      serial: said('serial') ?? plan.device.serial ?? null,
      firmware: said('firmware') ?? plan.device.firmware ?? null,
      identity: id,
      supply: plan.device.supply,
      phases: plan.device.phases,
      unV: plan.device.unV,
      inA: plan.device.inA,
      imaxA: plan.device.imaxA,
      fnHz: plan.device.fnHz ?? null,
    },
    instruments: {
      source: run.sourceId,
      reference: run.referenceId,
      referenceCertificateNumber: plan.reference.certificateNumber ?? null,
      referenceCalibrationDue: plan.reference.calibrationDue ?? null,
      referenceAccuracyPct: run.referenceAccuracyPct,
      referenceCertificateUPct: plan.reference.certificateUncertaintyPct ?? null,
      referenceAccuracySource: run.referenceAccuracySource as Certificate['instruments']['referenceAccuracySource'],
    },
    limits: { table: table.id, title: table.title, source: table.source, rows: table.rows.map((r) => ({ id: r.id, text: r.text, status: r.status })) },
    method: METHOD_TEXT[plan.method] + (plan.method === 'pulse' ? ` Meter constant K = ${plan.device.meterConstantImpPerKWh} imp/kWh.` : ''),
    decisionRule: run.decisionRule,
    environment: { ...recorded, referenceTemperatureC: plan.environment.referenceTemperatureC, toleranceC: plan.environment.toleranceC, withinReference, notes: plan.environment.notes ?? '' },
    operator: o.operator ?? plan.operator,
    run: {
      id: run.id,
      uid: run.runUid,
      label: run.label,
      startedAt: iso(run.wallStartedAt),
      finishedAt: run.wallFinishedAt ? iso(run.wallFinishedAt) : null,
      notes: (run.notes + (incomplete ? ' Run incomplete.' : '')).trim(),
    },
    points,
    additional: store.additional(runId).map((a) => ({ test: a.test, passed: a.passed, detail: a.detail })),
    calibration: cal
      ? {
          method: cal.method,
          gainFactor: cal.gainFactor,
          phaseErrorDeg: cal.phaseErrorDeg,
          detail: JSON.parse(cal.detailJson),
          beforeRunId: cal.beforeRunId,
          afterRunId: cal.afterRunId,
          before: store.points(cal.beforeRunId).map((r) => ({ id: r.pointId, meanErrorPct: r.meanErrorPct, verdict: r.verdict })),
        }
      : null,
  };
}
