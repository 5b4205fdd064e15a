// Per-board BL0942 conversion constants. They depend on the shunt and voltage divider of each board,
// so they are calibration data, not chip facts. Defaults: standards.md §4.4 ([V-code] ESPHome/Tasmota).
import { div, parseDecimal, rational, type Rational } from '../../rational.js';
import type { Bl0942Packet } from './codec.js';

export interface Bl0942Board {
  /** Voltage counts per volt. */
  uref: string;
  /** Current counts per ampere. */
  iref: string;
  /** Power counts per watt. */
  pref: string;
  /** CF_CNT pulses per kWh (exact decimal: the energy resolution derives from it). */
  eref: string;
}

export const BL0942_BOARDS: Readonly<Record<string, Bl0942Board>> = {
  /** The defaults used by ESPHome (EREF) and Tasmota (PREF) for the common 1 mOhm shunt board. */
  default: { uref: '15873.35944299', iref: '251213.46469622', pref: '596', eref: '3304.61127328' },
};

/** Watt-hours per CF_CNT pulse, exact: 1000 / EREF. */
export function bl0942WhPerCount(board: Bl0942Board = BL0942_BOARDS.default!): Rational {
  return div(rational(1000n), parseDecimal(board.eref));
}

/** Instantaneous values of a packet under a board's constants (display values, floats are fine here). */
export function bl0942Instant(p: Bl0942Packet, board: Bl0942Board = BL0942_BOARDS.default!) {
  return {
    voltageV: p.vRms / Number(board.uref),
    currentA: p.iRms / Number(board.iref),
    powerW: p.watt / Number(board.pref),
    frequencyHz: p.freq > 0 ? 1_000_000 / p.freq : 0,
  };
}
