// Uncertainty budget of a test point's mean error, in percentage points (pure).
//   type A  repeatability       u_A   = s / sqrt(n),                                   nu = n - 1
//   type B  reference standard  u_ref = class / sqrt(3) (rectangular) or U_cert / 2,    nu = infinity
//   type B  register resolution u_res = 100 q / (E sqrt(6)): start and end readings each rectangular +-q/2
//   combined u_c = sqrt(u_A^2 + u_ref^2 + u_res^2); effective degrees of freedom by Welch-Satterthwaite
//   (GUM G.4.1, truncated to an integer); expanded U = k u_c with k = t_95.45(nu_eff) (GUM Table G.2).
import { studentT9545 } from './student-t.js';

export interface UncertaintyInput {
  stdDevPct: number;
  n: number;
  referenceAccuracyPct: number;
  referenceCertificateUPct?: number;
  whPerCount: number;
  /** Mean reference energy per repetition, Wh. */
  energyWh: number;
}

export interface UncertaintyBudget {
  typeAPct: number;
  referencePct: number;
  resolutionPct: number;
  combinedPct: number;
  /** Effective degrees of freedom, truncated to an integer (Infinity when u_A is 0). */
  effectiveDof: number;
  k: number;
  expandedPct: number;
}

/** Welch-Satterthwaite: nu_eff = u_c^4 / sum(u_i^4 / nu_i); components with nu infinite add nothing below. */
export function effectiveDegreesOfFreedom(components: readonly { u: number; nu: number }[]): number {
  const uc2 = components.reduce((a, c) => a + c.u ** 2, 0);
  const den = components.reduce((a, c) => a + (c.nu === Infinity || c.u === 0 ? 0 : c.u ** 4 / c.nu), 0);
  return den === 0 ? Infinity : uc2 ** 2 / den;
}

export function uncertaintyBudget(i: UncertaintyInput): UncertaintyBudget {
  const typeAPct = i.n > 0 ? i.stdDevPct / Math.sqrt(i.n) : 0;
  const referencePct =
    i.referenceCertificateUPct !== undefined ? i.referenceCertificateUPct / 2 : i.referenceAccuracyPct / Math.sqrt(3);
  const resolutionPct = (100 * i.whPerCount) / (i.energyWh * Math.sqrt(6));
  const combinedPct = Math.sqrt(typeAPct ** 2 + referencePct ** 2 + resolutionPct ** 2);
  const nu = effectiveDegreesOfFreedom([
    { u: typeAPct, nu: Math.max(1, i.n - 1) },
    { u: referencePct, nu: Infinity },
    { u: resolutionPct, nu: Infinity },
  ]);
  // GUM G.4.1: truncate to the next lower integer (the epsilon absorbs float noise in an exact integer).
  const effectiveDof = nu === Infinity ? Infinity : Math.max(1, Math.floor(nu + 1e-9));
  const k = studentT9545(effectiveDof);
  return { typeAPct, referencePct, resolutionPct, combinedPct, effectiveDof, k, expandedPct: k * combinedPct };
}
