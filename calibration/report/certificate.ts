// The certificate of a bench run as data: everything the HTML page, the PDF and --json show (pure
// apart from reading the results database through the store).
import type { Plan } from '../plan/plan-schema.js';
import { limitTableFor } from '../limits/cop11-type5.js';
import type { PointRow, ResultsStore } from '../run/results-store.js';
import { overallVerdict, type Verdict } from '../maths/verdict.js';

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
  n: number;
  durationS: number;
  meanErrorPct: number;
  stdDevPct: number;
  uncertainty: { typeAPct: number; referencePct: number; resolutionPct: number; expandedPct: number; k: number };
  verdict: Verdict;
}

export interface Certificate {
  format: 'amsgate-bench-certificate/1';
  certificateId: string;
  issuedAt: string;
  title: string;
  verdict: Verdict;
  device: { identity: Record<string, unknown>; supply: string; phases: number; unV: number; inA: number; imaxA: number; fnHz: number | null };
  instruments: { source: string; reference: string; referenceAccuracyPct: number; referenceCertificateUPct: number | null };
  limits: { table: string; title: string; source: string; rows: { id: string; text: string; status: string }[] };
  decisionRule: string;
  environment: Record<string, unknown>;
  operator: string;
  run: { id: number; label: string; startedAt: string; finishedAt: string | null; notes: string };
  points: CertificatePoint[];
  calibration: null | { method: string; gainFactor: number; phaseErrorDeg: number | null; detail: unknown; beforeRunId: number; afterRunId: number | null; before: { id: string; meanErrorPct: number; verdict: Verdict }[] };
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function buildCertificate(store: ResultsStore, runId: number, o: { issuedAt: number; operator?: string; environment?: Record<string, unknown> }): Certificate {
  const run = store.run(runId);
  if (!run) throw new Error(`no run ${runId}`);
  const plan = JSON.parse(run.planJson) as Plan;
  const rows = store.points(runId);
  const byId = new Map<string, PointRow>(rows.map((r) => [r.pointId, r]));
  const table = limitTableFor(plan.device.supply);
  const points: CertificatePoint[] = plan.points
    .filter((p) => byId.has(p.id))
    .map((p) => {
      const r = byId.get(p.id)!;
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
        n: r.n,
        durationS: r.durationS,
        meanErrorPct: r.meanErrorPct,
        stdDevPct: r.stdDevPct,
        uncertainty: { typeAPct: r.typeAPct, referencePct: r.referencePct, resolutionPct: r.resolutionPct, expandedPct: r.expandedPct, k: 2 },
        verdict: r.verdict,
      };
    });
  const cal = store.calibrations().filter((c) => c.afterRunId === runId).pop() ?? null;
  const incomplete = points.length < plan.points.length;
  return {
    format: 'amsgate-bench-certificate/1',
    certificateId: `AMSG-${runId}-${run.planHash.slice(0, 8).toUpperCase()}`,
    issuedAt: iso(o.issuedAt),
    title: 'Accuracy test certificate: BSC CoP11 Asset Metering Type 5',
    verdict: incomplete ? 'inconclusive' : overallVerdict(points.map((p) => p.verdict)),
    device: { identity: JSON.parse(run.dutJson) as Record<string, unknown>, ...plan.device, fnHz: plan.device.fnHz ?? null },
    instruments: {
      source: run.sourceId,
      reference: run.referenceId,
      referenceAccuracyPct: run.referenceAccuracyPct,
      referenceCertificateUPct: plan.reference.certificateUncertaintyPct ?? null,
    },
    limits: { table: table.id, title: table.title, source: table.source, rows: table.rows.map((r) => ({ id: r.id, text: r.text, status: r.status })) },
    decisionRule: run.decisionRule,
    environment: { ...plan.environment, ...(o.environment ?? {}) },
    operator: o.operator ?? plan.operator,
    run: { id: run.id, label: run.label, startedAt: iso(run.startedAt), finishedAt: run.finishedAt ? iso(run.finishedAt) : null, notes: (run.notes + (incomplete ? ' Run incomplete.' : '')).trim() },
    points,
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
