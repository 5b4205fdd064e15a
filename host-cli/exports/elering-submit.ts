// Submitting Elering metering-data messages: POST, then poll the status until a final state. Processing is
// asynchronous and a message may never get a final status (seeds/001): such a message is sent again with a NEW
// document identification after `finalWithinMs`, up to `maxAttempts` times. A 503 answer (queue full) is retried
// after its Retry-After. Every POST carries a fresh x-document-identification (ids are never reused).
import type { Clock } from '../../drivers/clock.js';
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
  /** Longest Retry-After honoured before giving up on a 503 (default 15 min). */
  maxRetryAfterMs?: number;
  max503?: number;
  log?: (e: Record<string, unknown>) => void;
}

export interface SubmitAttempt {
  documentIdentification: string;
  httpStatus: number;
  status?: EleringStatus;
  detail?: string;
}

export interface SubmitOutcome {
  meteringPoint: string;
  final: EleringStatus | 'NO_FINAL_STATUS' | 'REJECTED_HTTP';
  attempts: SubmitAttempt[];
  statusBody?: unknown;
}

function join(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path}`;
}

export async function submitEleringMessages(messages: EleringMessage[], o: SubmitOptions): Promise<SubmitOutcome[]> {
  const out: SubmitOutcome[] = [];
  for (const m of messages) out.push(await submitOne(m, o));
  return out;
}

async function submitOne(m: EleringMessage, o: SubmitOptions): Promise<SubmitOutcome> {
  const f = o.fetchImpl ?? fetch;
  const log = o.log ?? (() => undefined);
  const maxAttempts = o.maxAttempts ?? 3;
  const outcome: SubmitOutcome = { meteringPoint: m.meteringPoint, final: 'NO_FINAL_STATUS', attempts: [] };
  const body = stringifyWithKwh(m.body, 0);
  let first = true;
  let count503 = 0;
  for (let attempt = 0; attempt < maxAttempts; ) {
    const docId = first ? m.documentIdentification : o.newId();
    first = false;
    const res = await f(join(o.url, ELERING_FORMAT.postPath), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${o.token}`,
        'x-document-identification': docId,
        'x-document-date-time': new Date(o.clock.now()).toISOString(),
      },
      body,
    });
    const text = await res.text();
    const a: SubmitAttempt = { documentIdentification: docId, httpStatus: res.status };
    outcome.attempts.push(a);
    if (res.status === 503) {
      count503++;
      const ra = Number(res.headers.get('retry-after') ?? '300');
      const waitMs = (Number.isFinite(ra) && ra >= 0 ? ra : 300) * 1000;
      a.detail = `503, Retry-After ${ra}`;
      log({ event: 'elering-503', documentIdentification: docId, retryAfterS: ra });
      if (waitMs > (o.maxRetryAfterMs ?? 15 * 60_000) || count503 > (o.max503 ?? 10)) {
        outcome.final = 'REJECTED_HTTP';
        return outcome;
      }
      await o.clock.sleep(waitMs);
      continue; // a 503 is not an attempt at processing
    }
    if (res.status < 200 || res.status >= 300) {
      a.detail = text.slice(0, 500);
      outcome.final = 'REJECTED_HTTP';
      return outcome;
    }
    attempt++;
    const deadline = o.clock.now() + (o.finalWithinMs ?? 3_600_000);
    while (o.clock.now() < deadline) {
      await o.clock.sleep(o.pollMs ?? 30_000);
      const sr = await f(join(o.url, ELERING_FORMAT.statusPath), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${o.token}` },
        body: JSON.stringify({ originalDocumentIdentification: docId }),
      });
      if (sr.status === 503) continue;
      let sb: unknown = null;
      try {
        sb = await sr.json();
      } catch {
        sb = null;
      }
      const status = (sb as { status?: string } | null)?.status as EleringStatus | undefined;
      if (status) a.status = status;
      if (status && FINAL.includes(status)) {
        outcome.final = status;
        outcome.statusBody = sb;
        return outcome;
      }
    }
    log({ event: 'elering-no-final-status', documentIdentification: docId, attempt });
  }
  return outcome;
}
