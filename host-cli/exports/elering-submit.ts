// Submitting Elering metering-data messages: POST, then poll the status until a final state. Processing is
// asynchronous and a message may never get a final status (seeds/001): such a message is sent again with a NEW
// document identification after `finalWithinMs`, up to `maxAttempts` times. Network errors, 5xx (503 queue full,
// with its Retry-After) are retried by the shared policy (dc/delivery/http-retry.ts); every document id is stored
// in the submission ledger BEFORE it is posted, so a restart can ask for its status instead of losing track of it.
import type { Clock } from '../../drivers/clock.js';
import { openSqliteDcDb } from '../dc/dc-db.js';
import { describe, joinUrl } from '../dc/delivery/deliver-document.js';
import { DEFAULT_RETRY, isRetryable, sendWithRetry, type HttpResult, type RetryPolicy } from '../dc/delivery/http-retry.js';
import { SubmissionLedger, type Submission } from '../dc/delivery/submission-ledger.js';
import { ELERING_FORMAT, type EleringMessage } from './elering.js';
import { stringifyWithKwh } from './kwh.js';

export type EleringStatus = 'PROCESSING' | 'SUCCESSFUL' | 'ERROR' | 'PARTIALLY_SUCCESSFUL';
const FINAL: EleringStatus[] = ['SUCCESSFUL', 'ERROR', 'PARTIALLY_SUCCESSFUL'];

export interface SubmitOptions {
  url: string;
  token: string;
  clock: Clock;
  newId: () => string;
  fetchImpl?: typeof fetch;
  pollMs?: number;
  /** Resend with a new document id if no final status within this time (default 1 h). */
  finalWithinMs?: number;
  maxAttempts?: number;
  /** Retries of one POST or status request (network errors, 5xx, 429; Retry-After honoured up to its limit). */
  retry?: RetryPolicy;
  /** Where submission state persists; default an in-memory ledger (nothing survives the process). */
  ledger?: SubmissionLedger;
  log?: (e: Record<string, unknown>) => void;
}

export interface SubmitAttempt {
  documentIdentification: string;
  httpStatus: number | null;
  status?: EleringStatus;
  detail?: string;
}

export interface SubmitOutcome {
  meteringPoint: string;
  /** UNREACHABLE: no answer (network / 5xx after every retry); the submission stays pending for a later run. */
  final: EleringStatus | 'NO_FINAL_STATUS' | 'REJECTED_HTTP' | 'UNREACHABLE' | 'ALREADY_ACCEPTED';
  submissionId: string;
  attempts: SubmitAttempt[];
  statusBody?: unknown;
}

export async function submitEleringMessages(messages: EleringMessage[], o: SubmitOptions): Promise<SubmitOutcome[]> {
  const ledger = o.ledger ?? new SubmissionLedger(await openSqliteDcDb(':memory:'), o.clock, o.newId);
  const out: SubmitOutcome[] = [];
  for (const m of messages) out.push(await submitOne(m, o, ledger));
  return out;
}

const headers = (o: SubmitOptions, docId?: string): Record<string, string> => ({
  'content-type': 'application/json',
  authorization: `Bearer ${o.token}`,
  ...(docId ? { 'x-document-identification': docId, 'x-document-date-time': new Date(o.clock.now()).toISOString() } : {}),
});

/** One status request (retried); the status, or null when there is none yet / no answer. */
async function pollStatus(docId: string, o: SubmitOptions): Promise<{ status: EleringStatus | null; body: unknown; result: HttpResult }> {
  const f = o.fetchImpl ?? fetch;
  const result = await sendWithRetry(
    () => f(joinUrl(o.url, ELERING_FORMAT.statusPath), { method: 'POST', headers: headers(o), body: JSON.stringify({ originalDocumentIdentification: docId }) }),
    o.clock, o.retry ?? DEFAULT_RETRY,
  );
  if (result.kind !== 'response' || result.status < 200 || result.status >= 300) return { status: null, body: null, result };
  let body: unknown = null;
  try {
    body = JSON.parse(result.text);
  } catch {
    body = null;
  }
  return { status: ((body as { status?: string } | null)?.status as EleringStatus | undefined) ?? null, body, result };
}

async function finish(sub: Submission, status: EleringStatus, body: unknown, outcome: SubmitOutcome, ledger: SubmissionLedger): Promise<void> {
  outcome.final = status;
  outcome.statusBody = body;
  await ledger.setState(sub, status === 'SUCCESSFUL' ? 'accepted' : 'failed', status === 'SUCCESSFUL' ? null : `${status}: ${JSON.stringify(body).slice(0, 500)}`);
}

/** Polls until a final status or the deadline; records the outcome in the ledger. */
async function awaitFinal(sub: Submission, docId: string, a: SubmitAttempt, o: SubmitOptions, ledger: SubmissionLedger, outcome: SubmitOutcome): Promise<boolean> {
  const deadline = o.clock.now() + (o.finalWithinMs ?? 3_600_000);
  let lastStatus: string | null = null;
  while (o.clock.now() < deadline) {
    await o.clock.sleep(o.pollMs ?? 30_000);
    const { status, body } = await pollStatus(docId, o);
    if (status) a.status = status;
    if (status && status !== lastStatus) {
      lastStatus = status;
      await ledger.attempt(sub, { documentId: docId, httpStatus: 200, outcome: `status:${status}`, detail: JSON.stringify(body).slice(0, 1000) });
    }
    if (status && FINAL.includes(status)) {
      await finish(sub, status, body, outcome, ledger);
      return true;
    }
  }
  (o.log ?? (() => undefined))({ event: 'elering-no-final-status', documentIdentification: docId });
  return false;
}

async function submitOne(m: EleringMessage, o: SubmitOptions, ledger: SubmissionLedger): Promise<SubmitOutcome> {
  const f = o.fetchImpl ?? fetch;
  const body = stringifyWithKwh(m.body, 0);
  const { sub, isNew } = await ledger.record('elering', m.meteringPoint, body);
  const outcome: SubmitOutcome = { meteringPoint: m.meteringPoint, final: 'NO_FINAL_STATUS', submissionId: sub.submissionId, attempts: [] };
  if (!isNew && sub.state === 'accepted') {
    outcome.final = 'ALREADY_ACCEPTED';
    return outcome;
  }
  // After a restart: a document already handed to the Datahub is asked about before anything is resent.
  if (!isNew && sub.documentId && (sub.state === 'sent' || sub.state === 'pending')) {
    const a: SubmitAttempt = { documentIdentification: sub.documentId, httpStatus: null, detail: 'resumed: status of the stored document' };
    outcome.attempts.push(a);
    const first = await pollStatus(sub.documentId, o);
    if (first.status) {
      a.status = first.status;
      await ledger.attempt(sub, { documentId: sub.documentId, httpStatus: 200, outcome: `status:${first.status}`, detail: 'resumed' });
      if (FINAL.includes(first.status)) {
        await finish(sub, first.status, first.body, outcome, ledger);
        return outcome;
      }
      await ledger.setState(sub, 'sent');
      if (await awaitFinal(sub, sub.documentId, a, o, ledger, outcome)) return outcome;
    }
    // Unknown to the Datahub (never arrived) or never final: sent again below with a new id.
  }
  const maxAttempts = o.maxAttempts ?? 3;
  let usedGiven = !isNew || sub.attempts > 0;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    let docId = '';
    const last = await sendWithRetry(
      async () => {
        // Every POST gets a fresh id (the Datahub forbids reuse), stored before it leaves.
        docId = usedGiven ? o.newId() : m.documentIdentification;
        usedGiven = true;
        await ledger.attempt(sub, { documentId: docId, outcome: 'posting' });
        return f(joinUrl(o.url, ELERING_FORMAT.postPath), { method: 'POST', headers: headers(o, docId), body });
      },
      o.clock, o.retry ?? DEFAULT_RETRY,
      async (r) => {
        const a: SubmitAttempt = { documentIdentification: docId, httpStatus: r.kind === 'response' ? r.status : null };
        if (r.kind === 'network' || r.status >= 300) a.detail = describe(r);
        outcome.attempts.push(a);
        await ledger.attempt(sub, { documentId: docId, httpStatus: a.httpStatus, outcome: r.kind === 'network' ? 'network-error' : r.status < 300 ? 'received' : isRetryable(r) ? 'http-retryable' : 'http-refused', detail: a.detail ?? null });
      },
    );
    if (isRetryable(last)) {
      outcome.final = 'UNREACHABLE';
      await ledger.setState(sub, 'pending', `not delivered: ${describe(last)}`);
      return outcome;
    }
    if (last.kind === 'response' && (last.status < 200 || last.status >= 300)) {
      outcome.final = 'REJECTED_HTTP';
      await ledger.setState(sub, 'failed', describe(last));
      return outcome;
    }
    await ledger.setState(sub, 'sent');
    if (await awaitFinal(sub, docId, outcome.attempts[outcome.attempts.length - 1]!, o, ledger, outcome)) return outcome;
  }
  await ledger.setState(sub, 'pending', `no final status for ${maxAttempts} accepted POST(s); resend later`);
  return outcome;
}
