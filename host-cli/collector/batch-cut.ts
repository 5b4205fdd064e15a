// When the collector cuts its next batch: once it is full, once the stream has been quiet for `quietMs`, or once its
// oldest message has waited `maxMs`. While a backlog streams in, batches fill (more of each device's run decided
// together: fewer signatures, fewer transactions); a trickle is cut as soon as it pauses, as before.

export interface CutRule {
  size: number;
  quietMs: number;
  maxMs: number;
}

/** Milliseconds to wait before cutting (0: cut now). Times in ms on one monotonic clock. */
export function cutWaitMs(rule: CutRule, queued: number, now: number, lastArrival: number, oldestArrival: number): number {
  if (queued === 0 || queued >= rule.size) return 0;
  const quiet = rule.quietMs - (now - lastArrival);
  const left = rule.maxMs - (now - oldestArrival);
  return quiet <= 0 || left <= 0 ? 0 : Math.ceil(Math.min(quiet, left));
}
