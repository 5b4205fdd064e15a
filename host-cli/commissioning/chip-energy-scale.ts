// The energy quantity of the UART metering chips and IEC 62056-21 meters as their documents state it, kept apart
// from the drivers (as register-scale.ts is for the Modbus meters) so that the proving test reads energy without the
// gateway's own scaling code: a scaling error in a driver cannot prove itself. Pure.
import { div, parseDecimal, rational, type Rational } from '../../drivers/rational.js';

/**
 * BL0942: one CF_CNT period is 1638.4 x 256 / WATT s (datasheet V1.06 as quoted by ESPHome, standards.md §4.4,
 * [V-code]) and WATT = P x PREF, so one pulse is 419 430.4 / PREF J = 419 430.4 / (3600 x PREF) Wh. A board whose
 * profile carries a calibrated EREF (pulses per kWh) is read with it: 1000 / EREF Wh.
 */
export function bl0942PulseWh(board: { pref: string; eref?: string }): Rational {
  if (board.eref !== undefined) return div(rational(1000n), parseDecimal(board.eref));
  return div(parseDecimal('419430.4'), mul3600(parseDecimal(board.pref)));
}
const mul3600 = (r: Rational): Rational => rational(r.num * 3600n, r.den);
export const BL0942_CF_BITS = 24;

/**
 * CSE7766: P = Pcoef / Pcycle with the cycle in microseconds, so one CF pulse carries Pcoef microjoules (ESPHome
 * cse7766.cpp, standards.md §4.5, [V-code]); the chip sends its Pcoef in every frame.
 */
export const cse7766PulseWh = (powerCoef: number): Rational => rational(BigInt(powerCoef), 3_600_000_000n);
export const CSE7766_CF_BITS = 16;

/** IEC 62056-21 energy units (IEC 62056-6-2 unit names as printed in readouts) in Wh. */
const IEC_UNIT_WH: Readonly<Record<string, bigint>> = { Wh: 1n, kWh: 1000n, MWh: 1_000_000n };

/** A printed register "001523.410" with unit "kWh" -> its digits as counts and the Wh of one count, exactly. */
export function iecRegister(value: string, unit: string | null): { counts: bigint; whPerCount: Rational } {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(value);
  if (!m) throw new RangeError(`the readout prints the register as ${JSON.stringify(value)}; expected a decimal number such as 001523.410`);
  const unitWh = unit === null ? undefined : IEC_UNIT_WH[unit];
  if (unitWh === undefined) throw new RangeError(`the readout prints the register in ${JSON.stringify(unit)}; expected Wh, kWh or MWh`);
  const decimals = (m[2] ?? '').length;
  return { counts: BigInt(`${m[1]}${m[2] ?? ''}`), whPerCount: rational(unitWh, 10n ** BigInt(decimals)) };
}
