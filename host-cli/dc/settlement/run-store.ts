// dc_run_submissions: what each run's submission sent per AMSID and settlement date (docs/data-collector.md).
import type { DcDb } from '../dc-db.js';
import type { RunFile, SentDay } from './run-submission.js';

/** The values last sent for each AMSID of a settlement date, whichever run sent them. */
export async function lastSent(db: DcDb, date: string): Promise<SentDay[]> {
  const rows = await db.all<{ amsid: string; values_hash: string; sent_at: number | string }>(
    `SELECT amsid, values_hash, sent_at FROM dc_run_submissions WHERE settlement_date = ? ORDER BY sent_at`, [date]);
  const m = new Map<string, string>();
  for (const r of rows) m.set(r.amsid, r.values_hash);
  return [...m].map(([amsid, valuesHash]) => ({ amsid, valuesHash }));
}

export async function saveRunFile(db: DcDb, f: RunFile, fileId: string, submissionId: string | null, atMs: number): Promise<void> {
  for (const d of f.included) {
    await db.run(
      `INSERT INTO dc_run_submissions (run, settlement_date, amsid, values_hash, period_values, estimated_periods, file_id, submission_id, sent_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run, settlement_date, amsid) DO UPDATE SET values_hash = excluded.values_hash, period_values = excluded.period_values,
         estimated_periods = excluded.estimated_periods, file_id = excluded.file_id, submission_id = excluded.submission_id, sent_at = excluded.sent_at`,
      [f.run, f.date, d.amsid, d.valuesHash, JSON.stringify(d.values), d.estimatedPeriods, fileId, submissionId, atMs],
    );
  }
}

export async function runRows(db: DcDb, date: string): Promise<{ run: string; amsid: string; estimatedPeriods: number; fileId: string; sentAt: number }[]> {
  const rows = await db.all<{ run: string; amsid: string; estimated_periods: number | string; file_id: string; sent_at: number | string }>(
    `SELECT run, amsid, estimated_periods, file_id, sent_at FROM dc_run_submissions WHERE settlement_date = ? ORDER BY sent_at, amsid`, [date]);
  return rows.map((r) => ({ run: r.run, amsid: r.amsid, estimatedPeriods: Number(r.estimated_periods), fileId: r.file_id, sentAt: Number(r.sent_at) }));
}
