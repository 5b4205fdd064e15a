// The exact value of an IEEE-754 float32 as a rational, and its unit in the last place. Energy read from a
// float register is converted to integer Wh from this exact value, never through a double's rounding.
import { FrameError } from '../errors.js';
import { rational, type Rational } from '../rational.js';

export interface Float32Exact {
  value: Rational;
  /** Distance to the next representable float of the same exponent: what the register can still resolve. */
  ulp: Rational;
}

/** Scales by 2^e exactly (e may be negative). */
function pow2(mant: bigint, e: number): Rational {
  return e >= 0 ? rational(mant << BigInt(e), 1n) : rational(mant, 1n << BigInt(-e));
}

export function float32Exact(bits: number): Float32Exact {
  const b = bits >>> 0;
  const sign = b >>> 31 ? -1n : 1n;
  const exp = (b >>> 23) & 0xff;
  const frac = b & 0x7fffff;
  if (exp === 0xff) {
    throw new FrameError('float-not-finite', `float32 register 0x${b.toString(16).padStart(8, '0')} is ${frac ? 'NaN' : 'infinite'}; expected a finite number`);
  }
  // Subnormals have no hidden bit and the minimum exponent.
  const mant = BigInt(exp === 0 ? frac : frac | 0x800000);
  const e = (exp === 0 ? 1 : exp) - 150;
  return { value: pow2(sign * mant, e), ulp: pow2(1n, e) };
}

/** Rounds to the nearest integer, halves away from zero. */
export function roundHalfAway(r: Rational): bigint {
  const neg = r.num < 0n;
  const abs = neg ? -r.num : r.num;
  const q = (2n * abs + r.den) / (2n * r.den);
  return neg ? -q : q;
}
