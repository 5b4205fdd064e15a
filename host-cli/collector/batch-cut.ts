// When the collector cuts its next batch: once it is full, once the stream has been quiet for `quietMs`, or once its
// oldest message has waited `maxMs`. While a backlog streams in, batches fill (more of each device's run decided
// together: fewer signatures, fewer transactions); a trickle is cut as soon as it pauses, as before.

export interface CutRule {
  size: number;
  quietMs: number;
  maxMs: number;
}

/**
 * Milliseconds to wait before cutting (0: cut now). Times in ms on one monotonic clock. `waitingSince`: when the
 * collector began waiting for this cut. Quiet counts from then at the earliest: while the collector was busy
 * (verifying, committing) no message could be read, so a pause it caused itself is not the stream's; cutting on it
 * left batches of a few thousand from a backlog of tens of thousands.
 */
export function cutWaitMs(rule: CutRule, queued: number, now: number, lastArrival: number, oldestArrival: number, waitingSince = -Infinity): number {
  if (queued === 0 || queued >= rule.size) return 0;
  const quiet = rule.quietMs - (now - Math.max(lastArrival, waitingSince));
  const left = rule.maxMs - (now - oldestArrival);
  return quiet <= 0 || left <= 0 ? 0 : Math.ceil(Math.min(quiet, left));
}

/** Whether a cut due now would be for quiet alone (neither full nor old): the collector then looks once more. */
export function quietOnly(rule: CutRule, queued: number, now: number, oldestArrival: number): boolean {
  return queued > 0 && queued < rule.size && now - oldestArrival < rule.maxMs;
}
