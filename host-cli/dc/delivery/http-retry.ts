// One retry policy for every market client: a network error, a 5xx or a 429 is tried again after an exponential
// back-off (or the service's Retry-After, when it gives one and it is not too long); any other answer is final.
// Time comes from the injected clock, so tests run the policy at full speed.
import type { Clock } from '../../../drivers/clock.js';

export interface RetryPolicy {
  /** Tries in all, first one included. */
  maxTries: number;
  /** Back-off before try n+1 is baseMs x 2^(n-1), at most maxMs. */
  baseMs: number;
  maxMs: number;
  /** A Retry-After longer than this ends the retries (the outcome stays retryable for a later run). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxTries: 5, baseMs: 2_000, maxMs: 120_000, maxRetryAfterMs: 15 * 60_000 };

/** Back-off before the try after try `n` (1-based). Pure. */
export function backoffMs(n: number, p: RetryPolicy): number {
  return Math.min(p.maxMs, p.baseMs * 2 ** Math.max(0, n - 1));
}

/** Retry-After (seconds, or an HTTP date) in ms, or null when absent or unreadable. Pure. */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null || header.trim() === '') return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

export type HttpResult =
  | { kind: 'response'; status: number; text: string; headers: Headers }
  | { kind: 'network'; error: string };

/** True for the answers worth trying again: no answer at all, 429, or 5xx. */
export const isRetryable = (r: HttpResult): boolean => r.kind === 'network' || r.status === 429 || r.status >= 500;

/**
 * Sends `request(tryNo)` until an answer is final or the policy is spent; `onTry` sees every try (to persist it
 * before the next). Returns the last result: a caller treats a retryable last result as "not delivered yet".
 */
export async function sendWithRetry(
  request: (tryNo: number) => Promise<Response>,
  clock: Clock,
  policy: RetryPolicy,
  onTry: (r: HttpResult, tryNo: number) => Promise<void> | void = () => undefined,
): Promise<HttpResult> {
  let last: HttpResult = { kind: 'network', error: 'not tried' };
  for (let n = 1; n <= policy.maxTries; n++) {
    try {
      const res = await request(n);
      last = { kind: 'response', status: res.status, text: await res.text(), headers: res.headers };
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      last = { kind: 'network', error: err.cause?.code ?? err.cause?.message ?? err.message };
    }
    await onTry(last, n);
    if (!isRetryable(last) || n === policy.maxTries) return last;
    let wait = backoffMs(n, policy);
    if (last.kind === 'response') {
      const ra = retryAfterMs(last.headers.get('retry-after'), clock.now());
      if (ra !== null) {
        if (ra > policy.maxRetryAfterMs) return last;
        wait = ra;
      }
    }
    await clock.sleep(wait);
  }
  return last;
}
