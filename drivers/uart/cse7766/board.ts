// CSE7766 board profiles and the poll-interval rule. The chip sends its own power coefficient (Pcoef) in every
// frame, so energy never depends on this table; the profile's Pcoef is what a configuration check uses before any
// frame was read, to work out how often the 16-bit CF counter must be read (poll-interval.ts).
import { ConfigError } from '../../errors.js';
import { mergeBoard, type BoardChoice } from '../board-profile.js';
import { CSE7766_CF_MODULUS } from './codec.js';

export interface Cse7766Board {
  /** Power coefficient the board's chip was calibrated with (microjoules per CF pulse). */
  powerCoef: number;
}

export const CSE7766_BOARDS: Readonly<Record<string, Cse7766Board>> = {
  /**
   * Sonoff POW R2-like board. Published chip dumps show Pcoef 5 010 000 (espurna #867), 5 378 000 (Tasmota #6302)
   * and 5 400 000 (Tasmota #11389); 5 000 000 is at the low end, which errs towards a shorter poll interval.
   */
  default: { powerCoef: 5_000_000 },
};

const FIELDS = ['powerCoef'] as const;

export function cse7766Board(choice?: BoardChoice): Cse7766Board {
  const { merged } = mergeBoard('CSE7766', CSE7766_BOARDS, FIELDS, choice);
  const p = Number(merged.powerCoef);
  if (!Number.isInteger(p) || p < 1 || p > 0xffffff) {
    throw new ConfigError('board-field', `CSE7766 board field powerCoef is ${JSON.stringify(merged.powerCoef)}; expected an integer 1..16777215 (a 24-bit coefficient)`);
  }
  return { powerCoef: p };
}

/** Joules the 16-bit CF counter spans before it wraps: 65 536 pulses of Pcoef microjoules. */
export const cse7766WrapJoules = (powerCoef: number): number => (CSE7766_CF_MODULUS * powerCoef) / 1e6;
