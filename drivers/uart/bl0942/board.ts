// Per-board BL0942 conversion constants. UREF, IREF and PREF depend on each board's shunt and divider, so they are
// calibration data; EREF is not free: the datasheet's CF period (1638.4 x 256 / WATT s, standards.md 4.4) makes one
// CF_CNT pulse 419 430.4 / PREF joules, so EREF = PREF x 3 600 000 / 419 430.4 pulses per kWh. A profile either
// leaves EREF out (derived) or carries a calibrated pair that agrees with that relation within 1 %.
import { ConfigError } from '../../errors.js';
import { div, mul, parseDecimal, rational, toNumber, type Rational } from '../../rational.js';
import { mergeBoard, positiveDecimalText, type BoardChoice } from '../board-profile.js';
import type { Bl0942Packet } from './codec.js';

export interface Bl0942Board {
  /** Voltage counts per volt. */
  uref: string;
  /** Current counts per ampere. */
  iref: string;
  /** Power (WATT register) counts per watt. */
  pref: string;
  /** CF_CNT pulses per kWh of a calibrated pair; absent = derived from PREF. */
  eref?: string;
}

/** Joules of one CF_CNT pulse times PREF: 1638.4 x 256 (datasheet CF period), exact. */
const CF_JOULE_PREF = parseDecimal('419430.4');
/** A calibrated EREF may differ from the PREF-derived one by this much (measurement noise, not a wrong constant). */
export const BL0942_EREF_TOLERANCE = 0.01;

export const BL0942_BOARDS: Readonly<Record<string, Bl0942Board>> = {
  /**
   * Peers' defaults for the common 1 mOhm shunt board: UREF and IREF from ESPHome bl0942.h (73989/1.218 and
   * 305978/1.218), PREF 596 from Tasmota. EREF derived: 5115.509 pulses/kWh (ESPHome's "measured" 3304.61 would
   * make energy 55 % larger than integrated power, so it is not used).
   */
  default: { uref: '15873.35944299', iref: '251213.46469622', pref: '596' },
  /** Every constant from UREF and IREF by the datasheet: PREF = UREF x IREF x 3537 / 305978 / 73989 = 623.002. */
  derived: { uref: '15873.35944299', iref: '251213.46469622', pref: '623.00203403' },
};

const FIELDS = ['uref', 'iref', 'pref', 'eref'] as const;

/** CF_CNT pulses per kWh: the board's calibrated EREF, or PREF x 3 600 000 / 419 430.4. */
export function bl0942Eref(board: Bl0942Board): Rational {
  return board.eref !== undefined ? parseDecimal(board.eref) : bl0942DerivedEref(board.pref);
}

export const bl0942DerivedEref = (pref: string): Rational => div(mul(parseDecimal(pref), rational(3_600_000n)), CF_JOULE_PREF);

/** Throws a ConfigError when a board's EREF contradicts its PREF (the mistake that made energy run 55 % high). */
export function checkBl0942Board(board: Bl0942Board, name = 'given'): void {
  if (board.eref === undefined) return;
  const derived = toNumber(bl0942DerivedEref(board.pref));
  const given = toNumber(parseDecimal(board.eref));
  if (Math.abs(given / derived - 1) > BL0942_EREF_TOLERANCE) {
    throw new ConfigError(
      'board-inconsistent',
      `BL0942 board "${name}": EREF ${board.eref} contradicts PREF ${board.pref}, which gives EREF = PREF x 3600000 / 419430.4 = ${derived.toFixed(3)} ` +
        `(${((given / derived - 1) * 100).toFixed(1)} % off, at most ${BL0942_EREF_TOLERANCE * 100} % allowed); leave eref out to derive it, or give a calibrated pair`,
    );
  }
}

/** The board a configuration names: profile (default "default") plus overrides, checked for consistency. */
export function bl0942Board(choice?: BoardChoice): Bl0942Board {
  const { name, merged, overridden } = mergeBoard('BL0942', BL0942_BOARDS, FIELDS, choice);
  const board: Bl0942Board = {
    uref: positiveDecimalText('BL0942', 'uref', merged.uref),
    iref: positiveDecimalText('BL0942', 'iref', merged.iref),
    pref: positiveDecimalText('BL0942', 'pref', merged.pref),
  };
  // A profile's calibrated EREF belongs to its PREF: a new PREF without a new EREF re-derives it.
  const keepEref = merged.eref !== undefined && (overridden.includes('eref') || !overridden.includes('pref'));
  if (keepEref) board.eref = positiveDecimalText('BL0942', 'eref', merged.eref);
  checkBl0942Board(board, overridden.length ? `${name} with overrides ${overridden.join(', ')}` : name);
  return board;
}

/** Watt-hours per CF_CNT pulse, exact: 1000 / EREF. */
export function bl0942WhPerCount(board: Bl0942Board = BL0942_BOARDS.default!): Rational {
  return div(rational(1000n), bl0942Eref(board));
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

/** Joules the 24-bit CF_CNT spans before it wraps: 2^24 pulses of 419 430.4 / PREF J. */
export const bl0942WrapJoules = (board: Bl0942Board): number => (2 ** 24 * 3_600_000) / toNumber(bl0942Eref(board));
