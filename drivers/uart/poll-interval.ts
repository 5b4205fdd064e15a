// How often each UART chip must be read so that no energy is lost: a CF counter that wraps (BL0942 24 bit,
// CSE7766 16 bit) is extended from its advance modulo 2^bits, and a read-and-clear register (ATM90E26, 16 bit of
// 0.1 pulse) must be read before it is full. docs/uart-chips.md "Poll interval" gives the rule and figures.
import { bl0942Board, bl0942WrapJoules } from './bl0942/board.js';
import { atm90e26Board, atm90e26FullScaleJoules } from './atm90e26/board.js';
import type { BoardChoice } from './board-profile.js';
import { cse7766Board, cse7766WrapJoules } from './cse7766/board.js';

/** Joules a chip's energy counter spans on a board before a wrap (or a full read-and-clear register); null: no limit. */
export function counterSpanJoules(model: string, board?: BoardChoice): number | null {
  switch (model) {
    case 'bl0942':
      return bl0942WrapJoules(bl0942Board(board));
    case 'cse7766':
      return cse7766WrapJoules(cse7766Board(board).powerCoef);
    case 'atm90e26':
      return atm90e26FullScaleJoules(atm90e26Board(board));
    default:
      return null;
  }
}

/**
 * The longest poll interval (ms) at which no wrap is missed at `maxPowerW` (e.g. maxCurrentA x ratedVoltageV x
 * phases from the meter's config) even when `missedPolls` polls in a row fail; null when the model has no such
 * limit (printed or 32/64-bit registers). Configuration checks refuse or warn above it.
 */
export function maxPollIntervalMs(model: string, board: BoardChoice | undefined, maxPowerW: number, missedPolls = 1): number | null {
  const span = counterSpanJoules(model, board);
  if (span === null) return null;
  return spanToIntervalMs(span, maxPowerW, missedPolls);
}

/** (missedPolls + 1) intervals strictly below the time `spanJoules` takes at `maxPowerW`. */
export function spanToIntervalMs(spanJoules: number, maxPowerW: number, missedPolls = 1): number {
  if (!(maxPowerW > 0)) throw new RangeError(`maxPowerW must be a positive number of watts, got ${maxPowerW}`);
  if (!Number.isInteger(missedPolls) || missedPolls < 0) throw new RangeError(`missedPolls must be an integer >= 0, got ${missedPolls}`);
  return Math.max(0, Math.ceil(((spanJoules / maxPowerW) * 1000) / (missedPolls + 1)) - 1);
}
