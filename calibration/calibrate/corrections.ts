// From measured errors to corrections (pure).
// Model of a meter at current I and phase angle phi (current lagging voltage):
//   1 + e = G(I) cos(phi - d) / cos(phi)
// G is the gain at that current (at PF 1, 1 + e = G cos d) and d the phase error of the measuring
// channel, degrees. For small d: e_phase ~= tan(phi) x d (rad), the relation the brief gives.
// Gain: one factor g chosen so the corrected PF 1 errors g(1+e)-1 are centred (minimises the largest).
// Phase: each PF != 1 point gives d exactly from acos; the points are combined weighted by tan^2(phi)
// (the least-squares weight of the linearised relation).
import { ConfigError } from '../../drivers/errors.js';

export interface MeasuredPoint {
  pointId: string;
  currentA: number;
  voltageV: number;
  frequencyHz: number | null;
  pf: number;
  pfKind: 'unity' | 'lag' | 'lead' | 'dc';
  meanErrorPct: number;
}

export interface Corrections {
  /** Multiply registered energy by this to correct the gain. */
  gainFactor: number;
  /** The meter's phase error d, degrees; a correction of -d cancels it. Null when no PF != 1 point. */
  phaseErrorDeg: number | null;
  /** Predicted error at each point after both corrections. */
  predicted: { pointId: string; beforePct: number; afterPct: number }[];
  usedPoints: string[];
}

const phiOf = (p: MeasuredPoint): number => {
  const a = (Math.acos(Math.min(1, p.pf)) * 180) / Math.PI;
  return p.pfKind === 'lead' ? -a : p.pfKind === 'lag' ? a : 0;
};
const rad = (d: number): number => (d * Math.PI) / 180;

/** Only points at nominal voltage and frequency carry the gain/phase of the channel. */
function nominal(points: readonly MeasuredPoint[], unV: number, fnHz: number | null): MeasuredPoint[] {
  return points.filter(
    (p) => Math.abs(p.voltageV - unV) < 1e-6 * unV && (fnHz === null || p.frequencyHz === null || Math.abs(p.frequencyHz - fnHz) < 1e-6),
  );
}

/** Phase error from one point given the gain at its current, degrees. */
export function phaseErrorFromPoint(errorPct: number, gainAtCurrent: number, phiDeg: number): number {
  const ratio = (1 + errorPct / 100) / gainAtCurrent;
  const c = Math.min(1, ratio * Math.cos(rad(phiDeg)));
  const back = (Math.acos(c) * 180) / Math.PI;
  return phiDeg - Math.sign(phiDeg) * back;
}

export function deriveCorrections(points: readonly MeasuredPoint[], unV: number, fnHz: number | null): Corrections {
  const nom = nominal(points, unV, fnHz);
  const unity = nom.filter((p) => p.pfKind === 'unity' || p.pfKind === 'dc');
  if (unity.length === 0) {
    throw new ConfigError('calibrate-no-unity', 'no PF 1 (or d.c.) result at nominal voltage and frequency: the gain cannot be derived; run a plan with PF 1 points');
  }
  // At PF 1 the phase error still costs cos(d): G = (1 + e) / cos(d). d depends on G in turn, so the two
  // are refined together (d is small: five rounds settle both to machine precision).
  const angled = nom.filter((p) => p.pfKind === 'lag' || p.pfKind === 'lead');
  let phaseErrorDeg: number | null = null;
  const gainOf = (p: MeasuredPoint): number => (1 + p.meanErrorPct / 100) / Math.cos(rad(phaseErrorDeg ?? 0));
  const gainAt = (currentA: number): number => {
    const same = unity.filter((p) => Math.abs(p.currentA - currentA) < 1e-9 * Math.max(1, currentA));
    const src = same.length ? same : unity;
    return src.reduce((a, p) => a + gainOf(p), 0) / src.length;
  };
  for (let round = 0; round < 5 && angled.length > 0; round++) {
    let num = 0;
    let den = 0;
    for (const p of angled) {
      const phi = phiOf(p);
      const w = Math.tan(rad(phi)) ** 2;
      num += w * phaseErrorFromPoint(p.meanErrorPct, gainAt(p.currentA), phi);
      den += w;
    }
    phaseErrorDeg = num / den;
  }
  const g1 = unity.map(gainOf);
  const gainFactor = 2 / (Math.min(...g1) + Math.max(...g1));
  const d = phaseErrorDeg ?? 0;
  const predicted = points.map((p) => {
    const phi = phiOf(p);
    // Remove the measured phase error and apply the gain factor.
    const before = 1 + p.meanErrorPct / 100;
    const phaseNow = Math.cos(rad(phi - d)) / Math.cos(rad(phi));
    const after = (before / phaseNow) * gainFactor;
    return { pointId: p.pointId, beforePct: p.meanErrorPct, afterPct: (after - 1) * 100 };
  });
  return { gainFactor, phaseErrorDeg, predicted, usedPoints: nom.map((p) => p.pointId) };
}
