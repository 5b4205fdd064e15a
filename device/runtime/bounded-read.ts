// Meter operations bounded in time. A read may take one poll interval of gateway time, but never less than
// REAL_TIMEOUT_FLOOR_MS of real time: on a fast simulated clock the bus still needs its real wire time.
import type { Clock } from '../../drivers/clock.js';
import { TimeoutError } from '../../drivers/errors.js';
import type { MeterSample } from '../../drivers/meter-driver.js';
import type { OpenedMeter } from './open-meter.js';

export const REAL_TIMEOUT_FLOOR_MS = 2000;

/**
 * Bounds a meter operation by one poll interval of gateway time, but never less than REAL_TIMEOUT_FLOOR_MS of
 * real time: on a fast simulated clock the bus still needs its real wire time.
 */
export async function withTimeout<T>(clock: Clock, pollIntervalMs: number, work: Promise<T>, what: string, realFloorMs = REAL_TIMEOUT_FLOOR_MS): Promise<T> {
  const limit = Math.max(1000, pollIntervalMs * 0.9);
  let realTimer: NodeJS.Timeout | undefined;
  const timeout = Promise.all([
    clock.sleep(limit),
    new Promise<void>((r) => (realTimer = setTimeout(r, realFloorMs))),
  ]).then(() => {
    throw new TimeoutError('poll-timeout', `meter did not ${what} within ${limit} ms of gateway time (and ${realFloorMs} ms real)`);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(realTimer);
    timeout.catch(() => {});
  }
}

export class BoundedReads {
  /** Reads that timed out but have not finished yet, per meter: the bus is not used again until they settle. */
  private readonly unsettled = new Map<string, Promise<void>>();

  constructor(
    private readonly clock: Clock,
    private readonly pollIntervalMs: number,
  ) {}

  async sample(meterId: string, opened: OpenedMeter): Promise<MeterSample> {
    const pending = this.unsettled.get(meterId);
    if (pending) {
      // Bounded: a driver that never settles must still show up as failing reads (and its alarm), not a silent stall.
      let t: NodeJS.Timeout | undefined;
      await Promise.race([pending, new Promise<void>((r) => (t = setTimeout(r, 30_000)))]);
      clearTimeout(t);
    }
    const work = opened.driver.sample();
    const settled = work.then(() => undefined, () => undefined);
    this.unsettled.set(meterId, settled);
    void settled.then(() => {
      if (this.unsettled.get(meterId) === settled) this.unsettled.delete(meterId);
    });
    return withTimeout(this.clock, this.pollIntervalMs, work, 'complete a read');
  }
}
