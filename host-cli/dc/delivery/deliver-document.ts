// Sends one JSON document to a market endpoint with the shared retry policy, persisting every try and the final
// state in the submission ledger. Used by the Axle and Volue clients (Elering adds status polling on top).
import type { Clock } from '../../../drivers/clock.js';
import { DEFAULT_RETRY, isRetryable, sendWithRetry, type HttpResult, type RetryPolicy } from './http-retry.js';
import type { DeliveryTarget, SubmissionLedger, SubmissionState } from './submission-ledger.js';

export interface DeliveryOptions {
  /** Base URL of the service; the client appends its path. */
  url: string;
  token: string;
  clock: Clock;
  ledger: SubmissionLedger;
  policy?: RetryPolicy;
  fetchImpl?: typeof fetch;
  /** Send again a submission the service refused before (default: report it and leave it). */
  retryFailed?: boolean;
}

/** unreachable: no final answer (network error, 5xx, 429 after every retry): state stays pending, exit 3. */
export type DeliveryResult = 'accepted' | 'failed' | 'unreachable' | 'already-accepted' | 'previously-failed';

export interface DeliveryOutcome {
  target: DeliveryTarget;
  subject: string;
  submissionId: string;
  result: DeliveryResult;
  state: SubmissionState;
  reason: string | null;
  tries: number;
}

export type Judge = (status: number, text: string) => { state: 'accepted' | 'failed'; reason: string | null };

export const joinUrl = (base: string, path: string): string => `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;

export function describe(r: HttpResult): string {
  return r.kind === 'network' ? `network error ${r.error}` : `HTTP ${r.status}${r.text ? `: ${r.text.slice(0, 300)}` : ''}`;
}

export async function deliverDocument(target: DeliveryTarget, subject: string, body: string, path: string, judge: Judge, o: DeliveryOptions): Promise<DeliveryOutcome> {
  const { sub, isNew } = await o.ledger.record(target, subject, body);
  const out = (result: DeliveryResult, tries: number): DeliveryOutcome => ({ target, subject, submissionId: sub.submissionId, result, state: sub.state, reason: sub.reason, tries });
  if (!isNew && sub.state === 'accepted') return out('already-accepted', 0);
  if (!isNew && sub.state === 'failed' && !o.retryFailed) return out('previously-failed', 0);
  const f = o.fetchImpl ?? fetch;
  let tries = 0;
  const last = await sendWithRetry(
    () => f(joinUrl(o.url, path), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${o.token}` }, body }),
    o.clock,
    o.policy ?? DEFAULT_RETRY,
    async (r) => {
      tries++;
      const outcome = r.kind === 'network' ? 'network-error' : r.status >= 500 || r.status === 429 ? 'http-retryable' : r.status < 300 ? 'received' : 'http-refused';
      await o.ledger.attempt(sub, { httpStatus: r.kind === 'response' ? r.status : null, outcome, detail: describe(r) });
    },
  );
  if (isRetryable(last)) {
    await o.ledger.setState(sub, 'pending', `not delivered after ${tries} tries: ${describe(last)}`);
    return out('unreachable', tries);
  }
  const status = (last as Extract<HttpResult, { kind: 'response' }>).status;
  const verdict = status >= 200 && status < 300 ? judge(status, (last as { text: string }).text) : { state: 'failed' as const, reason: describe(last) };
  await o.ledger.setState(sub, verdict.state, verdict.reason);
  return out(verdict.state, tries);
}
