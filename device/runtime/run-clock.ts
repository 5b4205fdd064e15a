// The clock of `amsgate run`: real time, or N times faster (--speed) from a chosen simulated start. A fixed
// origin "realMs:simMs" lets successive processes (restarts in the crash campaign) share one timeline.
import { performance } from 'node:perf_hooks';
import { scaledClock, systemClock, type Clock } from '../../drivers/clock.js';
import { ConfigError } from '../../drivers/errors.js';

export interface RunClock {
  clock: Clock;
  /** Monotonic milliseconds on the same scale as clock.now() (clock-step detection). */
  monotonicMs: () => number;
  speed: number;
}

export function parseOrigin(text: string): { realMs: number; simMs: number } {
  const m = /^(\d+):(\d+)$/.exec(text.trim());
  if (!m) throw new ConfigError('option', `--time-origin "${text}": expected REALMS:SIMMS (two epoch millisecond integers)`);
  return { realMs: Number(m[1]), simMs: Number(m[2]) };
}

export function runClock(speed: number, startSimMs?: number, origin?: { realMs: number; simMs: number }): RunClock {
  if (!(speed > 0) || !Number.isFinite(speed)) throw new ConfigError('option', `--speed ${speed}: expected a positive number (1 = real time)`);
  if (speed === 1 && startSimMs === undefined && !origin) {
    return { clock: systemClock, monotonicMs: () => performance.now(), speed };
  }
  const start = origin ? origin.simMs + (Date.now() - origin.realMs) * speed : (startSimMs ?? Date.now());
  return { clock: scaledClock(speed, start), monotonicMs: () => performance.now() * speed, speed };
}
