// The gateway's view of its wall clock between polls: steps and an implausible (unsynchronised) time raise alarms.
import type { AlarmManager } from '../alarms/alarm-manager.js';
import { judgeClock, type ClockObservation } from './clock-watch.js';

export class ClockMonitor {
  private obs: ClockObservation | null = null;
  private unsync = false;
  private stepCount = 0;

  constructor(
    private readonly alarms: AlarmManager,
    private readonly mono: () => number,
    private readonly toleranceMs: number,
    /** The store's transaction: the alarms of one check are taken together or not at all. */
    private readonly transaction: (fn: () => void) => void = (fn) => fn(),
  ) {}

  /** True while the wall clock reads before any plausible time. */
  get unsynchronised(): boolean {
    return this.unsync;
  }

  /** Steps seen so far: a meter whose count moved since its last reading has a step that spans a clock step. */
  get steps(): number {
    return this.stepCount;
  }

  check(now: number): void {
    const obs = { wallMs: now, monoMs: this.mono() };
    const v = judgeClock(this.obs, obs, this.toleranceMs);
    // On a full store this throws and nothing is taken, observation included: the next check sees the step again.
    this.transaction(() => {
      if (v.stepMs !== 0) {
        this.alarms.pulse('clock-stepped', null, `wall clock stepped ${v.stepMs > 0 ? '+' : ''}${v.stepMs} ms against the monotonic clock`, now, now, now);
      }
      if (v.unsynchronised && !this.unsync) {
        this.alarms.raise('clock-unsynchronised', null, `wall clock reads ${new Date(now).toISOString()}, before any plausible time: not synchronised`, now);
      } else if (!v.unsynchronised && this.unsync) {
        this.alarms.clear('clock-unsynchronised', null, 'wall clock plausible again', now);
      }
    });
    this.obs = obs;
    if (v.stepMs !== 0) this.stepCount++;
    this.unsync = v.unsynchronised;
  }
}
