// Rationals in JSON state: "num/den" (or "num" when den is 1), so that state survives JSON.stringify/parse exactly.
import { FrameError } from '../../drivers/errors.js';
import { rational, type Rational } from '../../drivers/rational.js';

export function rationalToText(r: Rational): string {
  return r.den === 1n ? r.num.toString() : `${r.num}/${r.den}`;
}

export function rationalFromText(text: string): Rational {
  const m = /^(-?\d+)(?:\/(\d+))?$/.exec(text);
  if (!m || m[2] === '0' || /^0+$/.test(m[2] ?? '1')) {
    throw new FrameError('bad-rational-text', `"${text}" is not a rational in state; expected "num" or "num/den" with den > 0`);
  }
  return rational(BigInt(m[1]!), BigInt(m[2] ?? '1'));
}
