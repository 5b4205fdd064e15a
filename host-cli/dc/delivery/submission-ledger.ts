// Every market submission's state, persisted before and after each network exchange so that a crash or restart
// never loses track (docs/data-collector.md "Submissions"). A submission is idempotent on (target, subject, body):
// the same document is recorded once, sent until it is accepted or finally failed, and never sent again after.
import { createHash } from 'node:crypto';
import type { Clock } from '../../../drivers/clock.js';
import type { DcDb } from '../dc-db.js';

export type DeliveryTarget = 'axle' | 'volue' | 'elering' | 'd0390';
/**
 * pending: not yet received by the service (new, or the last try met a network error / 5xx: resend);
 * sent: received, final result not known yet (Elering PROCESSING); accepted: final success;
 * failed: final refusal by the service (reason says why); not resent unless asked.
 */
export type SubmissionState = 'pending' | 'sent' | 'accepted' | 'failed';

export interface Submission {
  submissionId: string;
  target: DeliveryTarget;
  /** What the document is about: Axle asset(s), Volue event id, Elering metering point, D0390 run. */
  subject: string;
  bodyHash: string;
  body: string;
  state: SubmissionState;
  reason: string | null;
  attempts: number;
  /** The latest document identification sent (Elering originalDocumentIdentification). */
  documentId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface Attempt {
  submissionId: string;
  attempt: number;
  at: number;
  documentId: string | null;
  httpStatus: number | null;
  /** network-error, http-5xx, http-4xx, received, accepted, rejected, status:<STATUS> */
  outcome: string;
  detail: string | null;
}

interface Row {
  submission_id: string; target: string; subject: string; body_hash: string; body: string; state: string;
  reason: string | null; attempts: number | string; document_id: string | null; created_at: number | string; updated_at: number | string;
}

const fromRow = (r: Row): Submission => ({
  submissionId: r.submission_id, target: r.target as DeliveryTarget, subject: r.subject, bodyHash: r.body_hash, body: r.body,
  state: r.state as SubmissionState, reason: r.reason, attempts: Number(r.attempts), documentId: r.document_id,
  createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
});

export const bodyHash = (body: string): string => createHash('sha256').update(body).digest('base64url');

export class SubmissionLedger {
  constructor(private db: DcDb, private clock: Clock, private newId: () => string) {}

  /** Records the document, or finds it if the same one was recorded before. */
  async record(target: DeliveryTarget, subject: string, body: string): Promise<{ sub: Submission; isNew: boolean }> {
    const h = bodyHash(body);
    const found = await this.find(target, subject, h);
    if (found) return { sub: found, isNew: false };
    const now = this.clock.now();
    await this.db.run(
      `INSERT INTO dc_submissions (submission_id, target, subject, body_hash, body, state, reason, attempts, document_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'pending', NULL, 0, NULL, ?, ?) ON CONFLICT (target, subject, body_hash) DO NOTHING`,
      [this.newId(), target, subject, h, body, now, now],
    );
    return { sub: (await this.find(target, subject, h))!, isNew: true };
  }

  async find(target: DeliveryTarget, subject: string, hash: string): Promise<Submission | undefined> {
    const rows = await this.db.all<Row>(`SELECT * FROM dc_submissions WHERE target = ? AND subject = ? AND body_hash = ?`, [target, subject, hash]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async get(submissionId: string): Promise<Submission | undefined> {
    const rows = await this.db.all<Row>(`SELECT * FROM dc_submissions WHERE submission_id = ?`, [submissionId]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  /** Appends one exchange with the service (written before the state it leads to). */
  async attempt(sub: Submission, a: { documentId?: string | null; httpStatus?: number | null; outcome: string; detail?: string | null }): Promise<void> {
    const n = sub.attempts + 1;
    const now = this.clock.now();
    await this.db.run(
      `INSERT INTO dc_submission_attempts (submission_id, attempt, at, document_id, http_status, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [sub.submissionId, n, now, a.documentId ?? null, a.httpStatus ?? null, a.outcome, a.detail?.slice(0, 2000) ?? null],
    );
    await this.db.run(`UPDATE dc_submissions SET attempts = ?, updated_at = ?${a.documentId ? ', document_id = ?' : ''} WHERE submission_id = ?`,
      a.documentId ? [n, now, a.documentId, sub.submissionId] : [n, now, sub.submissionId]);
    sub.attempts = n;
    sub.updatedAt = now;
    if (a.documentId) sub.documentId = a.documentId;
  }

  async setState(sub: Submission, state: SubmissionState, reason: string | null = null): Promise<void> {
    const now = this.clock.now();
    await this.db.run(`UPDATE dc_submissions SET state = ?, reason = ?, updated_at = ? WHERE submission_id = ?`, [state, reason, now, sub.submissionId]);
    sub.state = state;
    sub.reason = reason;
    sub.updatedAt = now;
  }

  async list(f: { target?: DeliveryTarget; states?: SubmissionState[] } = {}): Promise<Submission[]> {
    const where: string[] = [];
    const args: string[] = [];
    if (f.target) {
      where.push('target = ?');
      args.push(f.target);
    }
    if (f.states?.length) {
      where.push(`state IN (${f.states.map(() => '?').join(', ')})`);
      args.push(...f.states);
    }
    const rows = await this.db.all<Row>(`SELECT * FROM dc_submissions${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, submission_id`, args);
    return rows.map(fromRow);
  }

  async attempts(submissionId: string): Promise<Attempt[]> {
    const rows = await this.db.all<{ submission_id: string; attempt: number; at: number; document_id: string | null; http_status: number | null; outcome: string; detail: string | null }>(
      `SELECT * FROM dc_submission_attempts WHERE submission_id = ? ORDER BY attempt`, [submissionId]);
    return rows.map((r) => ({
      submissionId: r.submission_id, attempt: Number(r.attempt), at: Number(r.at), documentId: r.document_id,
      httpStatus: r.http_status === null ? null : Number(r.http_status), outcome: r.outcome, detail: r.detail,
    }));
  }
}
