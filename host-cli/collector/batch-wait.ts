// Waiting for the next batch cut (batch-cut.ts decides; this waits). Quiet is believed only after the socket has had
// a turn: the event loop may have been held (a garbage collection, a burst of key imports) with messages waiting to
// be read, and cutting then left batches of a few thousand from a backlog streaming in at tens of thousands a second.
import { cutWaitMs, quietOnly, type CutRule } from './batch-cut.js';

export interface CutState {
  queued: number;
  /** performance.now() of the newest and of the oldest queued message. */
  lastArrival: number;
  oldestArrival: number;
  stopped: boolean;
}

export async function untilCut(rule: CutRule, state: () => CutState): Promise<void> {
  const since = performance.now();
  for (;;) {
    const s = state();
    const now = performance.now();
    const ms = s.stopped ? 0 : cutWaitMs(rule, s.queued, now, s.lastArrival, s.oldestArrival, since);
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    else if (!s.stopped && quietOnly(rule, s.queued, now, s.oldestArrival)) {
      await new Promise((r) => setImmediate(r));
      if (state().lastArrival === s.lastArrival) return;
    } else return;
  }
}
