// Per-board ATM90E26 constants. The meter constant (CF pulses per kWh) follows from PLconstH/L and the
// board's shunt and divider, so it is calibration data, kept here in one table.
import { rational, type Rational } from '../../rational.js';

export interface Atm90e26Board {
  /** CF pulses per kWh. */
  meterConstantImpPerKwh: number;
}

export const ATM90E26_BOARDS: Readonly<Record<string, Atm90e26Board>> = {
  default: { meterConstantImpPerKwh: 3200 },
};

/** Energy registers count 0.1 CF pulse: Wh per count = 1000 / MC / 10 = 100 / MC, exact. */
export function atm90e26WhPerCount(board: Atm90e26Board = ATM90E26_BOARDS.default!): Rational {
  return rational(100n, BigInt(board.meterConstantImpPerKwh));
}
