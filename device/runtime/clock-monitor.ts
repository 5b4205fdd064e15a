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
    this.obs = obs;
    if (v.stepMs !== 0) {
      this.stepCount++;
      this.alarms.pulse('clock-stepped', null, `wall clock stepped ${v.stepMs > 0 ? '+' : ''}${v.stepMs} ms against the monotonic clock`, now, now, now);
    }
    if (v.unsynchronised && !this.unsync) {
      this.alarms.raise('clock-unsynchronised', null, `wall clock reads ${new Date(now).toISOString()}, before any plausible time: not synchronised`, now);
    } else if (!v.unsynchronised && this.unsync) {
      this.alarms.clear('clock-unsynchronised', null, 'wall clock plausible again', now);
    }
    this.unsync = v.unsynchronised;
  }
}
