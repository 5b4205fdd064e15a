// A clock that can be held still for an instant: when the bench source switches, every load must see
// the switch at the same clock time, or a fast scaled clock ticking between two loads hands one of them
// seconds of energy the other never saw. Simulators of the DUT and the reference share this clock.
import type { Clock } from '../../drivers/clock.js';

export class LatchedClock implements Clock {
  private held: number | null = null;
  constructor(private readonly inner: Clock) {}
  now(): number {
    return this.held ?? this.inner.now();
  }
  /**
   * Sleeps until this clock has really advanced by ms. A fast scaled clock's timer can fire before its
   * millisecond-resolution time moves (the event loop's cached time is older than now), which would
   * give a measuring window of zero length.
   */
  async sleep(ms: number): Promise<void> {
    const until = this.inner.now() + ms;
    await this.inner.sleep(ms);
    while (this.inner.now() < until) await this.inner.sleep(until - this.inner.now());
  }
  /** Runs fn with now() frozen at one value. */
  hold<T>(fn: () => T): T {
    if (this.held !== null) return fn();
    this.held = this.inner.now();
    try {
      return fn();
    } finally {
      this.held = null;
    }
  }
}
