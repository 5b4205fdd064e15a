// One rule for estimated periods across every market format (docs/exports.md "Estimated data"): a format with a
// quality flag carries the estimate marked as such; a format without one refuses it unless the user says
// --allow-estimated, because the receiver could not tell an estimate from a reading.
import type { Combined } from './intervals.js';
import { isoMs } from './intervals.js';
import { ExportRefused } from './refusal.js';

export type MarketFormat = 'axle' | 'volue' | 'elering' | 'dtc';

export const ESTIMATED_POLICY: Record<MarketFormat, { flag: string | null }> = {
  /** Readings carry no quality field (seeds/000). */
  axle: { flag: null },
  /** curvePoints carry no quality field (seeds/002). */
  volue: { flag: null },
  /** rType E (estimated) / M (read), seeds/001. */
  elering: { flag: 'rType E' },
  /** Actual/Estimated indicator of the period group, [U] layout (dtc-layout.ts). */
  dtc: { flag: 'indicator E' },
};

/** A target period is estimated when any part summed into it is. Refuses estimates a flagless format would hide. */
export function checkEstimated(format: MarketFormat, periods: Combined[], allowEstimated: boolean): void {
  if (ESTIMATED_POLICY[format].flag !== null || allowEstimated) return;
  const est = periods.filter((c) => c.quality === 'estimated');
  if (est.length === 0) return;
  const e = est[0]!;
  throw new ExportRefused(
    format,
    `${est.length} period(s) are estimated (e.g. ${e.dev}/${e.meter} ${e.channel} ${isoMs(e.startMs)}, from ${e.parts.filter((p) => p.quality === 'estimated').map((p) => p.id).join(', ')}) and ${format} carries no quality flag; pass --allow-estimated to send estimates as if read`,
  );
}
