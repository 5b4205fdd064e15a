// The gateway calibration factor for a meter without calibration registers (pure): one factor g applied to
// every registered energy, chosen to maximise the smallest margin between each point's corrected error and
// that point's own limit (limits differ between In and Imax, so centring the errors is not enough).
//   margin_i(g) = L_i - 100 |g (1 + e_i/100) - 1|
// min_i margin_i is concave and piecewise linear in g; its maximum lies where a falling piece (g a_i > 1)
// meets a rising one (g a_j < 1): g = (L_i - L_j + 200) / (100 (a_i + a_j)), i = j included (the kink 1/a_i).

export interface FactorPoint {
  pointId: string;
  errorPct: number;
  limitPct: number;
}

export interface GatewayFactor {
  factor: number;
  /** The smallest margin to a limit after the factor, percentage points (negative: some point still fails). */
  smallestMarginPct: number;
  /** The point(s) that set it. */
  binding: string[];
}

export function marginPct(p: FactorPoint, g: number): number {
  return p.limitPct - Math.abs(100 * (g * (1 + p.errorPct / 100) - 1));
}

export function bestGatewayFactor(points: readonly FactorPoint[]): GatewayFactor {
  if (points.length === 0) throw new RangeError('no points to derive a calibration factor from');
  let best = { factor: 1, smallestMarginPct: -Infinity };
  for (const i of points) {
    for (const j of points) {
      const g = (i.limitPct - j.limitPct + 200) / (100 * (2 + i.errorPct / 100 + j.errorPct / 100));
      if (!(g > 0)) continue;
      const m = Math.min(...points.map((p) => marginPct(p, g)));
      if (m > best.smallestMarginPct + 1e-12) best = { factor: g, smallestMarginPct: m };
    }
  }
  const binding = points.filter((p) => marginPct(p, best.factor) <= best.smallestMarginPct + 1e-9).map((p) => p.pointId);
  return { ...best, binding };
}
