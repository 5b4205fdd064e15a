// Detects a stepped or unsynchronised wall clock by comparing how far the wall clock and a monotonic clock
// moved between two polls. Pure.

/** Before this time a wall clock cannot be right (a board without RTC boots in 1970 or at its build date). */
export const EARLIEST_PLAUSIBLE_MS = Date.UTC(2025, 0, 1);

export interface ClockObservation {
  wallMs: number;
  monoMs: number;
}

export interface ClockVerdict {
  /** Wall clock moved this much more (or less, negative) than elapsed time; 0 when within tolerance. */
  stepMs: number;
  unsynchronised: boolean;
}

export function judgeClock(prev: ClockObservation | null, now: ClockObservation, toleranceMs: number): ClockVerdict {
  const unsynchronised = now.wallMs < EARLIEST_PLAUSIBLE_MS;
  if (!prev) return { stepMs: 0, unsynchronised };
  const diff = now.wallMs - prev.wallMs - (now.monoMs - prev.monoMs);
  return { stepMs: Math.abs(diff) > toleranceMs ? diff : 0, unsynchronised };
}
