// Time is injected everywhere so that tests and simulators can run faster than real time.
export interface Clock {
  /** Milliseconds since the Unix epoch (UTC). */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** A clock that runs `speed` times faster than real time from `startMs` (used by `--speed N` and the demo). */
export function scaledClock(speed: number, startMs: number = Date.now()): Clock {
  const realStart = Date.now();
  return {
    now: () => startMs + (Date.now() - realStart) * speed,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms / speed))),
  };
}

/** A clock that only moves when told to; sleeps resolve as time is advanced past their deadline. */
export class ManualClock implements Clock {
  private timers: { at: number; resolve: () => void }[] = [];
  constructor(private t: number = 0) {}
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.timers.push({ at: this.t + Math.max(0, ms), resolve });
      this.timers.sort((a, b) => a.at - b.at);
    });
  }
  /** Moves time forward, resolving due sleeps in order and letting their continuations run. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    while (this.timers.length > 0 && this.timers[0]!.at <= target) {
      const next = this.timers.shift()!;
      this.t = next.at;
      next.resolve();
      await new Promise((r) => setImmediate(r));
    }
    this.t = target;
  }
  set(ms: number): void {
    this.t = ms;
  }
}
