// Uncertainty budget of a test point's mean error, in percentage points (pure).
//   type A  repeatability       u_A   = s / sqrt(n)
//   type B  reference standard  u_ref = class / sqrt(3) (rectangular) or U_cert / 2 (certificate, k=2)
//   type B  register resolution u_res = 100 q / (E sqrt(6)): start and end readings each rectangular +-q/2
//   combined u_c = sqrt(u_A^2 + u_ref^2 + u_res^2), expanded U = k u_c with k = 2 (about 95 %).

export interface UncertaintyInput {
  stdDevPct: number;
  n: number;
  referenceAccuracyPct: number;
  referenceCertificateUPct?: number;
  whPerCount: number;
  /** Mean reference energy per repetition, Wh. */
  energyWh: number;
  k?: number;
}

export interface UncertaintyBudget {
  typeAPct: number;
  referencePct: number;
  resolutionPct: number;
  combinedPct: number;
  k: number;
  expandedPct: number;
}

export function uncertaintyBudget(i: UncertaintyInput): UncertaintyBudget {
  const k = i.k ?? 2;
  const typeAPct = i.n > 0 ? i.stdDevPct / Math.sqrt(i.n) : 0;
  const referencePct =
    i.referenceCertificateUPct !== undefined ? i.referenceCertificateUPct / 2 : i.referenceAccuracyPct / Math.sqrt(3);
  const resolutionPct = (100 * i.whPerCount) / (i.energyWh * Math.sqrt(6));
  const combinedPct = Math.sqrt(typeAPct ** 2 + referencePct ** 2 + resolutionPct ** 2);
  return { typeAPct, referencePct, resolutionPct, combinedPct, k, expandedPct: k * combinedPct };
}
