// Overall accuracy of a CT/VT-connected installation at every tested point (pure): the meter's measured
// error combined with the transformers' certificate errors (standards.md 8.1, exact form), judged
// against the point's limit with the same decision rule as the meter alone.
import { interpolateCertificate, overallErrorPct, transformerErrorPct } from '../maths/overall-accuracy.js';
import { verdictOf, type Verdict } from '../maths/verdict.js';
import { ConfigError } from '../../drivers/errors.js';
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
const PCT_PER_MINUTE = (100 * Math.PI) / (180 * 60);

/** Percent of rated at which the certificate is read; refuses to extrapolate beyond its tested range. */
function percentRatedWithin(cert: TransformerCertificate, pointId: string, value: number, unit: 'A' | 'V'): number {
  const pct = (100 * value) / cert.ratedSecondary;
  const tested = cert.points.map((p) => p.percentRated);
  const lo = Math.min(...tested);
  const hi = Math.max(...tested);
  const tol = 1e-9 * hi;
  if (pct < lo - tol || pct > hi + tol) {
    const what = cert.kind.toUpperCase();
    throw new ConfigError(
      'certificate-range',
      `${pointId}: ${value} ${unit} is ${Number(pct.toFixed(3))} % of the ${what}'s rated ${cert.ratedSecondary} ${unit}, outside its certificate's ${lo}..${hi} %; the ${what}'s errors there are unknown (no extrapolation): use a certificate covering the point, or leave the point out`,
    );
  }
  return pct;
}

/** Expanded uncertainty (k=2) of the phase term, percent: tan(phi) x the phase displacement's uncertainty. */
function phaseUncertaintyPct(phaseDeg: number, minutes: number): number {
  return Math.abs(Math.tan((phaseDeg * Math.PI) / 180)) * minutes * PCT_PER_MINUTE;
}

export function overallCheck(points: readonly OverallInputPoint[], ct: TransformerCertificate | null, vt: TransformerCertificate | null): OverallPoint[] {
  return points.map((p) => {
    const c = ct ? interpolateCertificate(ct.points, percentRatedWithin(ct, p.id, p.currentA, 'A')) : null;
    const v = vt ? interpolateCertificate(vt.points, percentRatedWithin(vt, p.id, p.voltageV, 'V')) : null;
    const te = transformerErrorPct(p.phaseDeg, c ?? ZERO, v ?? ZERO);
    const oe = overallErrorPct(p.meterErrorPct, p.phaseDeg, c ?? ZERO, v ?? ZERO);
    const U = Math.sqrt(
      p.meterExpandedPct ** 2 +
        (ct?.uncertaintyPct ?? 0) ** 2 +
        (vt?.uncertaintyPct ?? 0) ** 2 +
        phaseUncertaintyPct(p.phaseDeg, ct?.phaseUncertaintyMinutes ?? 0) ** 2 +
        phaseUncertaintyPct(p.phaseDeg, vt?.phaseUncertaintyMinutes ?? 0) ** 2,
    );
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
