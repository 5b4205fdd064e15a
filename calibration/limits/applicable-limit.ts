// Which row of the table governs a test point, and so which limit of error applies (pure).
import type { CurrentBound, LimitRow, LimitTable, PfKind } from './cop11-type5.js';

export interface Ratings {
  unV: number;
  inA: number;
  imaxA: number;
}

/** Relative tolerance when comparing currents to a bound (set points are typed by hand). */
const REL_TOL = 1e-9;

export const boundA = (b: CurrentBound, r: Ratings): number => (b.of === 'In' ? r.inA : b.fraction * r.imaxA);

function inRow(row: LimitRow, currentA: number, pf: number, kind: PfKind, r: Ratings): boolean {
  const lo = boundA(row.currentFrom, r);
  const hi = boundA(row.currentTo, r);
  const tol = REL_TOL * Math.max(1, hi);
  const aboveLo = row.currentFromInclusive ? currentA >= lo - tol : currentA > lo + tol;
  const belowHi = row.currentToInclusive ? currentA <= hi + tol : currentA < hi - tol;
  const pfOk = row.powerFactors.some((p) => p.kind === kind && Math.abs(p.pf - pf) < 1e-6);
  return aboveLo && belowHi && pfOk;
}

/**
 * The row whose condition the point meets; where two rows could apply, the tighter limit wins.
 * Null when the table states no requirement for that current and power factor.
 */
export function applicableRow(
  table: LimitTable,
  point: { currentA: number; pf: number; pfKind: PfKind },
  r: Ratings,
): LimitRow | null {
  const rows = table.rows.filter((row) => inRow(row, point.currentA, point.pf, point.pfKind, r));
  if (rows.length === 0) return null;
  return rows.reduce((a, b) => (b.limitPct < a.limitPct ? b : a));
}
