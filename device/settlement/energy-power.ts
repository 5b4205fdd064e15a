// Energy-power consistency: a closed interval's register energy against the integral of the power polled with
// it. A mis-scaled constant, a reversed CT or a wrong multiplier makes the two disagree within one period, where
// both are meter-side (uncompensated) quantities of the same meter. Pure; docs/settlement.md "Energy-power
// consistency" gives the rule and its limits.

/** Power integral of one period so far (plain JSON: it lives in the engine state). */
export interface PowerIntegral {
  /** Integral of polled power, Wh (trapezoids between consecutive readings that both have power). */
  wh: number;
  /** Milliseconds of the period covered by such trapezoids. */
  coveredMs: number;
  /** Readings with power inside the period (start exclusive, end inclusive). */
  samples: number;
}

export interface EnergyPowerRule {
  /** Allowed difference, percent of the power integral. */
  tolerancePct: number;
  /** Plus this many register resolutions (whPerCount) for the quantisation of the register at both ends. */
  resolutions: number;
  /** Below this many power readings in the period the integral is not meaningful: no verdict. */
  minSamples: number;
}

export const DEFAULT_ENERGY_POWER_RULE: EnergyPowerRule = { tolerancePct: 5, resolutions: 2, minSamples: 10 };

export const emptyIntegral = (): PowerIntegral => ({ wh: 0, coveredMs: 0, samples: 0 });

/**
 * Adds the part within [segStart, segEnd] of the trapezoid from (t0, p0) to (t1, p1). `sample` counts the reading
 * at t1 when it lies in the segment. Steps longer than maxStepMs are not integrated (power unknown in between).
 */
export function addPowerStep(
  acc: PowerIntegral,
  step: { t0: number; p0: number | null; t1: number; p1: number | null; maxStepMs: number },
  segStart: number,
  segEnd: number,
): PowerIntegral {
  const { t0, p0, t1, p1 } = step;
  const samples = acc.samples + (p1 !== null && t1 > segStart && t1 <= segEnd ? 1 : 0);
  if (p0 === null || p1 === null || t1 - t0 > step.maxStepMs || t1 <= t0) return { ...acc, samples };
  const a = Math.max(t0, segStart);
  const b = Math.min(t1, segEnd);
  if (b <= a) return { ...acc, samples };
  const at = (t: number): number => p0 + ((p1 - p0) * (t - t0)) / (t1 - t0);
  const wh = (((at(a) + at(b)) / 2) * (b - a)) / 3_600_000;
  return { wh: acc.wh + wh, coveredMs: acc.coveredMs + (b - a), samples };
}

export interface EnergyPowerVerdict {
  /** False when the check does not apply (period not fully covered by power, too few samples). */
  meaningful: boolean;
  mismatch: boolean;
  registerWh: number;
  powerWh: number;
  allowedWh: number;
}

/** Compares register energy (uncompensated Wh) with the power integral of a period of `periodMs`. */
export function checkEnergyPower(registerWh: number, acc: PowerIntegral, periodMs: number, whPerCountWh: number, rule: EnergyPowerRule): EnergyPowerVerdict {
  const allowedWh = (Math.abs(acc.wh) * rule.tolerancePct) / 100 + rule.resolutions * whPerCountWh;
  const meaningful = acc.coveredMs >= periodMs && acc.samples >= rule.minSamples;
  return { meaningful, mismatch: meaningful && Math.abs(registerWh - acc.wh) > allowedWh, registerWh, powerWh: acc.wh, allowedWh };
}
