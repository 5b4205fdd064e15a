// The gateway's software compensation for meters without calibration registers: an exact decimal string.
import { parseDecimal, type Rational } from '../../drivers/rational.js';

/** The factor as a decimal string with `places` digits (default 6: 1 ppm, far below any limit). */
export function calibrationFactorString(gainFactor: number, places = 6): string {
  if (!(gainFactor > 0) || !Number.isFinite(gainFactor)) throw new RangeError(`calibration factor must be positive; got ${gainFactor}`);
  return gainFactor.toFixed(places);
}

/** The exact rational the gateway multiplies register energy by. */
export function calibrationFactorRational(s: string): Rational {
  return parseDecimal(s);
}
