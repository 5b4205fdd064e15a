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
  sleep(ms: number): Promise<void> {
    return this.inner.sleep(ms);
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
