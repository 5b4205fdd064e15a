// The largest register advance that can be real between two reads: elapsed time at Imax and 110 % of Un on
// every phase, with a 50 % margin, in meter counts. A larger jump is a reset or a corrupt read, not energy. Pure.
import type { Rational } from '../../drivers/rational.js';

export function maxPlausibleAdvance(
  elapsedMs: number,
  m: { maxCurrentA: number; ratedVoltageV: number; phases: number },
  whPerCount: Rational,
): bigint {
  const maxW = m.maxCurrentA * m.ratedVoltageV * 1.1 * m.phases * 1.5;
  const wh = (Math.max(0, elapsedMs) / 3_600_000) * maxW;
  // counts = Wh / whPerCount = Wh * den / num; +16 counts of slack for register granularity.
  const counts = Math.ceil((wh * Number(whPerCount.den)) / Number(whPerCount.num));
  return BigInt(Number.isFinite(counts) ? counts : Number.MAX_SAFE_INTEGER) + 16n;
}
