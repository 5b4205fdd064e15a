// setTimeout fires up to a millisecond or two late (libuv keeps loop time in whole ms). At 9600 baud a
// 2-register transaction is 25 ms, so that error alone eats much of a 10 % timing budget. For wire
// timing we sleep with setTimeout until ~1.5 ms before the deadline and finish with setImmediate turns:
// the short spin keeps the event loop responsive and costs at most ~1.5 ms of CPU per wait.
import { performance } from 'node:perf_hooks';

const SPIN_MS = 1.5;

export interface PreciseTimer {
  cancel(): void;
}

/** Calls `fn` when performance.now() reaches `at` (ms), always asynchronously. */
export function runAt(at: number, fn: () => void): PreciseTimer {
  let cancelled = false;
  let timeout: NodeJS.Timeout | null = null;
  let immediate: NodeJS.Immediate | null = null;
  const spin = () => {
    immediate = null;
    if (cancelled) return;
    if (performance.now() >= at) fn();
    else immediate = setImmediate(spin);
  };
  const early = at - performance.now() - SPIN_MS;
  if (early > 0) {
    timeout = setTimeout(() => {
      timeout = null;
      spin();
    }, early);
  } else {
    immediate = setImmediate(spin); // never call back synchronously: callers keep the handle first
  }
  return {
    cancel() {
      cancelled = true;
      if (timeout) clearTimeout(timeout);
      if (immediate) clearImmediate(immediate);
    },
  };
}

/** Resolves when performance.now() reaches `at`. */
export const sleepUntil = (at: number): Promise<void> => new Promise((resolve) => void runAt(at, resolve));
