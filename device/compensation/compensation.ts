// Compensation from meter-register Wh to primary Wh: exact decimal multipliers (CT/VT ratios, loss, pulse and
// calibration multipliers) times a transformer error correction. The correction is the only float step: it needs
// trigonometry, so it is computed in float64 and quantised to an exact rational with denominator 10^9.
// standards.md §8.1 gives the formula; docs/settlement.md "Compensation" explains the choices.
import { ConfigError } from '../../drivers/errors.js';
import { mul, parseDecimal, rational, type Rational } from '../../drivers/rational.js';

export interface CompensationSettings {
  /** Exact decimal CT ratio, e.g. "40" for 200/5; "1" for whole current. */
  ctRatio: string;
  /** Exact decimal VT ratio; "1" when the meter sees line voltage. */
  vtRatio: string;
  /** CT ratio error from the certificate, percent (IEC 61869 sign), 0 if none. */
  ctRatioErrorPct: number;
  /** CT phase displacement, minutes of arc, positive when the secondary leads. */
  ctPhaseMinutes: number;
  vtRatioErrorPct: number;
  vtPhaseMinutes: number;
  /** Exact decimals, e.g. "1.02"; "1" when not used. */
  lossMultiplier: string;
  pulseMultiplier: string;
  calibrationFactor: string;
  /**
   * Power factors nearer zero than this are treated as this value (sign kept) in the phase term, so that a
   * spurious near-zero PF cannot blow up tan(phi). Default 0.5, the lowest PF of the CoP11 test points.
   */
  minAbsPowerFactor?: number;
}

/** No transformers, no errors, all multipliers 1. */
export const NEUTRAL_COMPENSATION: CompensationSettings = {
  ctRatio: '1',
  vtRatio: '1',
  ctRatioErrorPct: 0,
  ctPhaseMinutes: 0,
  vtRatioErrorPct: 0,
  vtPhaseMinutes: 0,
  lossMultiplier: '1',
  pulseMultiplier: '1',
  calibrationFactor: '1',
};

export const CORRECTION_DENOMINATOR = 10n ** 9n;
const DEFAULT_MIN_ABS_PF = 0.5;
const RAD_PER_MINUTE = Math.PI / (180 * 60);

const DECIMAL_FIELDS = ['ctRatio', 'vtRatio', 'lossMultiplier', 'pulseMultiplier', 'calibrationFactor'] as const;
const NUMBER_FIELDS = ['ctRatioErrorPct', 'ctPhaseMinutes', 'vtRatioErrorPct', 'vtPhaseMinutes'] as const;

function positiveDecimal(s: CompensationSettings, field: (typeof DECIMAL_FIELDS)[number]): Rational {
  const text = s[field];
  let r: Rational;
  try {
    r = parseDecimal(String(text));
  } catch {
    throw new ConfigError('bad-compensation', `compensation ${field} is "${text}"; expected an exact positive decimal such as "40" or "1.02" (no fractions or exponents)`, { field });
  }
  if (r.num <= 0n) throw new ConfigError('bad-compensation', `compensation ${field} is "${text}"; expected a value greater than 0`, { field });
  return r;
}

/** Throws a ConfigError naming the first wrong field. */
export function validateCompensation(s: CompensationSettings): void {
  ratioProduct(s);
  for (const f of NUMBER_FIELDS) {
    if (typeof s[f] !== 'number' || !Number.isFinite(s[f])) {
      throw new ConfigError('bad-compensation', `compensation ${f} is ${String(s[f])}; expected a finite number (0 if no certificate)`, { field: f });
    }
  }
  if (Math.abs(s.ctRatioErrorPct) >= 50 || Math.abs(s.vtRatioErrorPct) >= 50) {
    throw new ConfigError('bad-compensation', `transformer ratio errors ${s.ctRatioErrorPct} % / ${s.vtRatioErrorPct} % are not credible; expected |error| < 50 %`);
  }
  if (Math.abs(s.ctPhaseMinutes) >= 600 || Math.abs(s.vtPhaseMinutes) >= 600) {
    throw new ConfigError('bad-compensation', `transformer phase displacements ${s.ctPhaseMinutes}' / ${s.vtPhaseMinutes}' are not credible; expected |minutes| < 600`);
  }
  const m = s.minAbsPowerFactor;
  if (m !== undefined && !(m > 0 && m <= 1)) {
    throw new ConfigError('bad-compensation', `compensation minAbsPowerFactor is ${m}; expected 0 < value <= 1`);
  }
}

/** ctRatio x vtRatio x lossMultiplier x pulseMultiplier x calibrationFactor, exact. */
export function ratioProduct(s: CompensationSettings): Rational {
  let r = rational(1n);
  for (const f of DECIMAL_FIELDS) r = mul(r, positiveDecimal(s, f));
  return r;
}

/**
 * P_meas / P_true of the transformers, exact formula of standards.md §8.1 in float64:
 * (1+eI)(1+eU) cos(phi - dI + dU) / cos(phi), phi = acos(|pf|), negative when leading (pf < 0).
 * With pf unknown (null) or |pf| >= 1 the phase terms are taken as vanishing.
 */
export function transformerErrorRatio(s: CompensationSettings, pf: number | null): number {
  const ratioTerm = (1 + s.ctRatioErrorPct / 100) * (1 + s.vtRatioErrorPct / 100);
  if (pf === null || !Number.isFinite(pf) || Math.abs(pf) >= 1) return ratioTerm;
  const minAbs = s.minAbsPowerFactor ?? DEFAULT_MIN_ABS_PF;
  const absPf = Math.max(Math.abs(pf), minAbs);
  const phi = Math.acos(absPf) * (pf < 0 ? -1 : 1);
  const shift = (-s.ctPhaseMinutes + s.vtPhaseMinutes) * RAD_PER_MINUTE;
  return (ratioTerm * Math.cos(phi + shift)) / Math.cos(phi);
}

/** 1 / transformerErrorRatio, quantised to n / 10^9 (round half away from zero); exactly 1 when there are no errors. */
export function transformerCorrection(s: CompensationSettings, pf: number | null): Rational {
  if (s.ctRatioErrorPct === 0 && s.vtRatioErrorPct === 0 && s.ctPhaseMinutes === 0 && s.vtPhaseMinutes === 0) {
    return rational(1n);
  }
  const corr = 1 / transformerErrorRatio(s, pf);
  if (!Number.isFinite(corr) || corr <= 0) {
    throw new ConfigError('bad-compensation', `transformer correction came out as ${corr} at pf ${pf}; expected a positive factor (check the certificate values)`);
  }
  return rational(BigInt(Math.round(corr * 1e9)), CORRECTION_DENOMINATOR);
}

/** Primary Wh per register Wh: ratioProduct(s) x transformerCorrection(s, pf). Always > 0. */
export function compensationFactor(s: CompensationSettings, pf: number | null): Rational {
  return mul(ratioProduct(s), transformerCorrection(s, pf));
}

/**
 * The PF as seen in a channel's own flow direction. Drivers report PF signed like reactive power in the import
 * direction (negative = capacitive, drivers/meter-driver.ts); for power flowing out the current phasor is reversed,
 * so lagging and leading swap: the export channel's phase term needs the opposite sign.
 */
export function flowPowerFactor(channel: 'import' | 'export', pf: number | null): number | null {
  if (pf === null || channel === 'import') return pf;
  return -pf;
}
