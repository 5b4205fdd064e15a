// A clock for simulated benches in one process: sleeping jumps time forward at once, so a plan of
// hours runs in milliseconds and every run is deterministic. Only for a single sequential sleeper
// (the bench run loop); concurrent sleepers would each jump the clock.
import type { Clock } from '../../drivers/clock.js';

export class VirtualClock implements Clock {
  /** Sum of all sleeps asked for, ms (the dwell the plan asked for). */
  slept = 0;
  constructor(private t: number = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    const d = Math.max(0, ms);
    this.t += d;
    this.slept += d;
    await Promise.resolve();
  }
}
