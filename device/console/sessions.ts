// Console sessions (random ids kept in memory: a restart logs everyone out) with a CSRF token each, and the
// login rate limit. Time is injected (real time, not the gateway's possibly scaled clock).
import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface Session {
  id: string;
  csrf: string;
  lastUsedMs: number;
}

const token = (): string => randomBytes(32).toString('base64url');

export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  constructor(
    private readonly now: () => number = Date.now,
    /** Idle time after which a session ends. */
    private readonly idleMs = 12 * 3_600_000,
    private readonly max = 32,
  ) {}

  create(): Session {
    // Bounded: the oldest session goes first (a phone and a laptop need two, not thousands).
    if (this.sessions.size >= this.max) this.sessions.delete(this.sessions.keys().next().value!);
    const s = { id: token(), csrf: token(), lastUsedMs: this.now() };
    this.sessions.set(s.id, s);
    return s;
  }

  get(id: string | undefined): Session | null {
    if (!id) return null;
    const s = this.sessions.get(id);
    if (!s) return null;
    if (this.now() - s.lastUsedMs > this.idleMs) {
      this.sessions.delete(id);
      return null;
    }
    s.lastUsedMs = this.now();
    return s;
  }

  end(id: string): void {
    this.sessions.delete(id);
  }
}

/**
 * Login attempts: after `maxFailures` wrong passwords within `windowMs` from one address (or 4x that from all
 * addresses together) further attempts are refused until the window has passed, right password or not.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxFailures = 5,
    private readonly windowMs = 15 * 60_000,
  ) {}

  private recent(key: string): number[] {
    const t = this.now();
    const list = (this.failures.get(key) ?? []).filter((x) => t - x < this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Milliseconds until `addr` may try again; 0 when it may try now. */
  retryAfterMs(addr: string): number {
    const own = this.recent(addr);
    const all = this.recent('*');
    const blocked = own.length >= this.maxFailures ? own : all.length >= 4 * this.maxFailures ? all : null;
    return blocked ? Math.max(1, blocked[0]! + this.windowMs - this.now()) : 0;
  }

  fail(addr: string): void {
    for (const k of [addr, '*']) this.failures.set(k, [...this.recent(k), this.now()]);
    if (this.failures.size > 1000) this.failures.delete(this.failures.keys().next().value!);
  }

  succeed(addr: string): void {
    this.failures.delete(addr);
  }
}
