// Meter operations bounded in time. A read may take one poll interval of gateway time, but never less than
// REAL_TIMEOUT_FLOOR_MS of real time: on a fast simulated clock the bus still needs its real wire time.
import type { Clock } from '../../drivers/clock.js';
import { TimeoutError, TransportError } from '../../drivers/errors.js';
import type { MeterIdentity, MeterSample } from '../../drivers/meter-driver.js';
import { MeterBus } from './meter-bus.js';
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
  /** One user of a meter's connection at a time (reads that timed out but have not finished, the console's identify). */
  private readonly bus = new MeterBus();

  constructor(
    private readonly clock: Clock,
    private readonly pollIntervalMs: number,
  ) {}

  async sample(meterId: string, opened: OpenedMeter): Promise<MeterSample> {
    const { work } = await this.bus.start(meterId, () => opened.driver.sample());
    return withTimeout(this.clock, this.pollIntervalMs, work, 'complete a read');
  }

  /** The meter's identity read on the gateway's own connection, between two polls (commissioning from the console). */
  async identify(meterId: string, opened: () => OpenedMeter | undefined): Promise<MeterIdentity> {
    const { work } = await this.bus.start(meterId, async () => {
      const o = opened();
      if (!o) throw new TransportError('meter-not-open', `meter ${meterId} has no open connection: it has not answered a poll yet`);
      return o.driver.identify();
    });
    return withTimeout(this.clock, this.pollIntervalMs, work, 'report its identity');
  }
}
