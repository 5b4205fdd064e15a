// Per-unit liveness on a shared bus. A meter that has stopped answering would otherwise cost every
// poll cycle (1 + retries) x timeout and starve the healthy meters on the same line (EVerest PR #2673:
// 19.5 s dead-meter cycles). After one failed transaction a unit gets no retries; after `deadAfter`
// consecutive failed transactions it is not asked at all for `backoffMs`, then probed once.
import type { Clock } from '../clock.js';
import { TimeoutError } from '../errors.js';

export interface BackoffPolicy {
  /** Consecutive timed-out transactions before the unit is put in back-off (default 3). */
  deadAfter: number;
  /** How long requests to a dead unit fail at once, in clock milliseconds (default 10 000). */
  backoffMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { deadAfter: 3, backoffMs: 10_000 };

/** Raised without touching the bus while a unit is in back-off: the caller must not report stale values as fresh. */
export class UnitBackoffError extends TimeoutError {
  constructor(unit: number, retryAt: number, failures: number) {
    super(
      'modbus-unit-backoff',
      `unit ${unit} did not answer ${failures} transactions in a row; not asking it again before ${new Date(retryAt).toISOString()} ` +
        `(expected an answer; check wiring, unit id and line settings)`,
      { unit, retryAt, failures },
    );
  }
}

interface State {
  failures: number;
  until: number;
}

export class UnitHealth {
  private readonly units = new Map<number, State>();
  constructor(
    private readonly clock: Clock,
    private readonly policy: BackoffPolicy = DEFAULT_BACKOFF,
  ) {}

  /** Throws UnitBackoffError while the unit is in back-off. */
  check(unit: number): void {
    const s = this.units.get(unit);
    if (s && s.until > this.clock.now()) throw new UnitBackoffError(unit, s.until, s.failures);
  }

  /** Retries allowed for the next transaction: none while the unit is suspect. */
  retriesFor(unit: number, configured: number): number {
    return (this.units.get(unit)?.failures ?? 0) > 0 ? 0 : configured;
  }

  /** The unit answered (normally, with an exception, or even with a damaged frame: it is alive). */
  answered(unit: number): void {
    this.units.delete(unit);
  }

  /** A whole transaction (with its retries) got no answer. */
  timedOut(unit: number): void {
    const s = this.units.get(unit) ?? { failures: 0, until: 0 };
    s.failures++;
    if (s.failures >= this.policy.deadAfter) s.until = this.clock.now() + this.policy.backoffMs;
    this.units.set(unit, s);
  }

  /** Units currently failing, for status displays. */
  snapshot(): { unit: number; failures: number; backoffUntil: number | null }[] {
    const now = this.clock.now();
    return [...this.units].map(([unit, s]) => ({ unit, failures: s.failures, backoffUntil: s.until > now ? s.until : null }));
  }
}
