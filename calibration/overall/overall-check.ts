// Overall accuracy of a CT/VT-connected installation at every tested point (pure): the meter's measured
// error combined with the transformers' certificate errors (standards.md 8.1, exact form), judged
// against the point's limit with the same decision rule as the meter alone.
import { interpolateCertificate, overallErrorPct, transformerErrorPct } from '../maths/overall-accuracy.js';
import { verdictOf, type Verdict } from '../maths/verdict.js';
import type { TransformerCertificate } from './transformer-certificate.js';

export interface OverallInputPoint {
  id: string;
  currentA: number;
  voltageV: number;
  phaseDeg: number;
  meterErrorPct: number;
  meterExpandedPct: number;
  limitPct: number;
}

export interface OverallPoint {
  id: string;
  meterErrorPct: number;
  ct: { ratioErrorPct: number; phaseMinutes: number } | null;
  vt: { ratioErrorPct: number; phaseMinutes: number } | null;
  transformerErrorPct: number;
  overallErrorPct: number;
  expandedPct: number;
  limitPct: number;
  verdict: Verdict;
}

const ZERO = { ratioErrorPct: 0, phaseMinutes: 0 };

export function overallCheck(points: readonly OverallInputPoint[], ct: TransformerCertificate | null, vt: TransformerCertificate | null): OverallPoint[] {
  return points.map((p) => {
    const c = ct ? interpolateCertificate(ct.points, (100 * p.currentA) / ct.ratedSecondary) : null;
    const v = vt ? interpolateCertificate(vt.points, (100 * p.voltageV) / vt.ratedSecondary) : null;
    const te = transformerErrorPct(p.phaseDeg, c ?? ZERO, v ?? ZERO);
    const oe = overallErrorPct(p.meterErrorPct, p.phaseDeg, c ?? ZERO, v ?? ZERO);
    const U = Math.sqrt(p.meterExpandedPct ** 2 + (ct?.uncertaintyPct ?? 0) ** 2 + (vt?.uncertaintyPct ?? 0) ** 2);
    return {
      id: p.id,
      meterErrorPct: p.meterErrorPct,
      ct: c ? { ratioErrorPct: c.ratioErrorPct, phaseMinutes: c.phaseMinutes } : null,
      vt: v ? { ratioErrorPct: v.ratioErrorPct, phaseMinutes: v.phaseMinutes } : null,
      transformerErrorPct: te,
      overallErrorPct: oe,
      expandedPct: U,
      limitPct: p.limitPct,
      verdict: verdictOf(oe, U, p.limitPct),
    };
  });
}
