// Turns a meter's raw energy register (possibly a wrapping hardware counter, possibly cleared or replaced) into a
// monotone extended count. Invariant kept in the state: extended = lastRaw + offset, and extended never decreases.
// docs/settlement.md "Counter extension" gives the rules with examples.
import { FrameError } from '../../drivers/errors.js';

/** bigints as decimal strings so the state is plain JSON. */
export interface CounterState {
  /** Raw value the extension is anchored to (the high-water mark while a register steps backwards). */
  lastRaw: string;
  /** Extended (monotone) count = lastRaw + offset. */
  extended: string;
  /** Added to raw values; grows by 2^bits per wrap, re-anchored on reset. May be negative after a re-baseline. */
  offset: string;
  /** Number of resets (register cleared / meter replaced) seen. */
  resets: number;
}

/**
 * 'implausible-advance': the register went forward by more than maxPlausibleAdvance. A register only moves forward
 * by counting, so every count is kept; the step is reported for validation (short elapsed time on a loaded CPU, a
 * clock behind the store, a wrong Imax in the config, or a meter fault).
 */
export type CounterEvent = 'none' | 'first' | 'wrap' | 'reset' | 'decrease' | 'implausible-advance';

export interface ExtendOptions {
  /**
   * Largest advance (counts) that can be real between this read and the previous one, e.g. elapsed time x Imax x
   * Un x phases / Wh-per-count, with margin. Used to tell a wrap from a reset on wrapping counters (a backward
   * step) and to report, never drop, implausible forward steps. Undefined: no plausibility limit (every backwards
   * step of a wrapping counter is a wrap).
   */
  maxPlausibleAdvance?: bigint;
  /**
   * Non-wrapping registers only: a backwards step of at most this many counts is a 'decrease' (held); a larger
   * drop is a 'reset'. Default: 1/1000 of the previous raw value (at least 1 count).
   */
  maxDecrease?: bigint;
}

export interface ExtendResult {
  state: CounterState;
  extended: bigint;
  /** Counts added since the previous read; never negative. */
  advance: bigint;
  event: CounterEvent;
}

function stateOf(lastRaw: bigint, offset: bigint, resets: number): CounterState {
  return { lastRaw: lastRaw.toString(), extended: (lastRaw + offset).toString(), offset: offset.toString(), resets };
}

function parseStateInt(text: string, field: string): bigint {
  if (!/^-?\d+$/.test(text)) {
    throw new FrameError('bad-counter-state', `counter state field ${field} is "${text}"; expected a decimal integer string`);
  }
  return BigInt(text);
}

/** Applies one raw read to the counter state. Pure: returns a new state. */
export function extendCounter(prev: CounterState | null, raw: bigint, counterBits: number | null, opts: ExtendOptions = {}): ExtendResult {
  if (raw < 0n) throw new FrameError('counter-negative', `energy register read ${raw}; expected a non-negative count`);
  if (counterBits !== null) {
    if (!Number.isInteger(counterBits) || counterBits < 1 || counterBits > 64) {
      throw new FrameError('bad-counter-bits', `counterBits is ${counterBits}; expected an integer 1..64 or null`);
    }
    if (raw >= 1n << BigInt(counterBits)) {
      throw new FrameError('counter-out-of-range', `raw count ${raw} does not fit a ${counterBits}-bit counter; expected < ${1n << BigInt(counterBits)}`);
    }
  }
  if (prev === null) return { state: stateOf(raw, 0n, 0), extended: raw, advance: 0n, event: 'first' };

  const lastRaw = parseStateInt(prev.lastRaw, 'lastRaw');
  const offset = parseStateInt(prev.offset, 'offset');
  const extended = lastRaw + offset;
  const limit = opts.maxPlausibleAdvance;
  const plausible = (advance: bigint): boolean => limit === undefined || advance <= limit;

  // A reset (only ever a backward step): the register now counts from zero on top of what was there (no energy
  // invented or dropped). If the new raw is itself too large to have been counted since the last read (a replaced
  // meter with its own history), it is taken as the new baseline.
  const reset = (): ExtendResult => {
    const advance = plausible(raw) ? raw : 0n;
    const newOffset = extended + advance - raw;
    return { state: stateOf(raw, newOffset, prev.resets + 1), extended: extended + advance, advance, event: 'reset' };
  };

  if (raw >= lastRaw) {
    const advance = raw - lastRaw;
    const event = plausible(advance) ? 'none' : 'implausible-advance';
    return { state: stateOf(raw, offset, prev.resets), extended: extended + advance, advance, event };
  }

  if (counterBits !== null) {
    const modulus = 1n << BigInt(counterBits);
    const advance = raw + modulus - lastRaw;
    if (!plausible(advance)) return reset();
    return { state: stateOf(raw, offset + modulus, prev.resets), extended: extended + advance, advance, event: 'wrap' };
  }

  const drop = lastRaw - raw;
  const maxDecrease = opts.maxDecrease ?? (lastRaw / 1000n > 1n ? lastRaw / 1000n : 1n);
  if (drop <= maxDecrease) {
    // Hold at the high-water mark: nothing is counted until the register passes it again.
    return { state: { ...prev }, extended, advance: 0n, event: 'decrease' };
  }
  return reset();
}
