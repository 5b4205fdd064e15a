// Per-board ATM90E26 constants. The meter constant (CF pulses per kWh) follows from PLconstH/L and the
// board's shunt and divider, so it is calibration data, kept here in one table.
import { ConfigError } from '../../errors.js';
import { rational, type Rational } from '../../rational.js';
import { mergeBoard, type BoardChoice } from '../board-profile.js';

export interface Atm90e26Board {
  /** CF pulses per kWh. */
  meterConstantImpPerKwh: number;
}

export const ATM90E26_BOARDS: Readonly<Record<string, Atm90e26Board>> = {
  default: { meterConstantImpPerKwh: 3200 },
};

export function atm90e26Board(choice?: BoardChoice): Atm90e26Board {
  const { merged } = mergeBoard('ATM90E26', ATM90E26_BOARDS, ['meterConstantImpPerKwh'], choice);
  const mc = Number(merged.meterConstantImpPerKwh);
  if (!Number.isInteger(mc) || mc < 1) {
    throw new ConfigError('board-field', `ATM90E26 board field meterConstantImpPerKwh is ${JSON.stringify(merged.meterConstantImpPerKwh)}; expected a positive integer (CF pulses per kWh)`);
  }
  return { meterConstantImpPerKwh: mc };
}

/** Energy registers count 0.1 CF pulse: Wh per count = 1000 / MC / 10 = 100 / MC, exact. */
export function atm90e26WhPerCount(board: Atm90e26Board = ATM90E26_BOARDS.default!): Rational {
  return rational(100n, BigInt(board.meterConstantImpPerKwh));
}

/** Joules a read-and-clear energy register holds at full scale (0xFFFF counts of 0.1 pulse) before it is read. */
export const atm90e26FullScaleJoules = (board: Atm90e26Board): number => ((0xffff / 10) * 3_600_000) / board.meterConstantImpPerKwh;
