// Which energy readings go to flash. Operational values at poll rate are published, not stored: a reading is
// stored every persistIntervalMs, on both sides of each period boundary (the last before, the first after) and
// whenever the counter reports an event. Pure.

export type PersistReason = 'periodic' | 'boundary-first' | 'boundary-last' | 'event' | null;

/** Start of the period (length `periodMs`, UTC-aligned) that holds `atMs`. */
export const periodStartOf = (atMs: number, periodMs: number): number => Math.floor(atMs / periodMs) * periodMs;

export interface PersistInput {
  /** Time of the previous reading of this channel (kept in memory), or null. */
  prevAtMs: number | null;
  atMs: number;
  /** Time of the last reading written to the store. */
  lastStoredAtMs: number | null;
  persistIntervalMs: number;
  /** Length of the shortest configured settlement resolution. */
  periodMs: number;
  counterEvent: string;
}

/**
 * Returns why this reading must be stored (null: keep it in memory only), and whether the previous
 * in-memory reading must be stored too as the last reading before a boundary.
 */
export function persistDecision(i: PersistInput): { reason: PersistReason; storePrevious: boolean } {
  const crossed = i.prevAtMs !== null && periodStartOf(i.prevAtMs, i.periodMs) !== periodStartOf(i.atMs, i.periodMs);
  const onBoundary = i.atMs % i.periodMs === 0;
  const storePrevious = crossed && i.prevAtMs !== i.lastStoredAtMs && !onBoundary;
  if (i.counterEvent !== 'none') return { reason: 'event', storePrevious };
  if (crossed || onBoundary) return { reason: 'boundary-first', storePrevious };
  if (i.lastStoredAtMs === null) return { reason: 'periodic', storePrevious: false };
  if (periodStartOf(i.lastStoredAtMs, i.persistIntervalMs) !== periodStartOf(i.atMs, i.persistIntervalMs)) {
    return { reason: 'periodic', storePrevious: false };
  }
  return { reason: null, storePrevious: false };
}
