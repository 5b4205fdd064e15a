// Row <-> object conversions shared by both backends (PostgreSQL returns BIGINT as strings).
import type { JsonWebKey } from 'node:crypto';
import type { ChainReport, CollectorAlarm, DeviceTail, RegisteredKey, ResendRequest, StoredInterval } from './store-types.js';

export interface KeyRow {
  device: string; kid: string; alg: string; jwk: string;
  valid_from: number | string; valid_to: number | string | null; source: string; added_at: number | string;
}

export function keyFromRow(r: KeyRow): RegisteredKey {
  return {
    device: r.device, kid: r.kid, alg: r.alg as RegisteredKey['alg'], jwk: JSON.parse(r.jwk) as JsonWebKey,
    validFrom: Number(r.valid_from), validTo: r.valid_to === null ? null : Number(r.valid_to), source: r.source, addedAt: Number(r.added_at),
  };
}

export function intervalFromRow(r: Record<string, unknown>): StoredInterval {
  return {
    id: String(r.id), device: String(r.device), seq: Number(r.seq), receivedAt: Number(r.received_at),
    // The payload is read back from the stored signed string (its middle part), so it is stored once.
    payload: JSON.parse(Buffer.from(String(r.compact).split('.')[1] ?? '', 'base64url').toString('utf8')) as StoredInterval['payload'],
  };
}

/** Seq gaps and link breaks from rows ordered by device, seq. */
export function chainFromRows(rows: { device: string; seq: number | string; hash: string; prev: string }[]): ChainReport {
  const report: ChainReport = { gaps: [], breaks: [] };
  let last: { device: string; seq: number; hash: string } | null = null;
  for (const row of rows) {
    const seq = Number(row.seq);
    if (last && last.device === row.device) {
      if (seq === last.seq + 1) {
        if (row.prev !== last.hash) report.breaks.push({ device: row.device, seq, detail: `prev ${row.prev} != hash of seq ${last.seq} (${last.hash})` });
      } else if (seq > last.seq + 1) {
        report.gaps.push({ device: row.device, from: last.seq + 1, to: seq - 1, where: 'between' });
      }
    } else if (seq > 1) {
      report.gaps.push({ device: row.device, from: 1, to: seq - 1, where: 'before-first' });
    }
    last = { device: row.device, seq, hash: row.hash };
  }
  return report;
}

/**
 * SQL returning only the rows where a device's chain has a gap or a broken link (window functions; the same text runs
 * on SQLite >= 3.25 and PostgreSQL). `?` is replaced by the backend's placeholder when a device is given.
 */
export function chainAnomalySql(byDevice: boolean, placeholder: string): string {
  return `SELECT device, seq, hash, prev, pseq, phash FROM (
      SELECT device, seq, hash, prev,
             LAG(seq) OVER (PARTITION BY device ORDER BY seq) AS pseq,
             LAG(hash) OVER (PARTITION BY device ORDER BY seq) AS phash
        FROM records${byDevice ? ` WHERE device = ${placeholder}` : ''}) t
    WHERE (pseq IS NULL AND seq > 1) OR (pseq IS NOT NULL AND seq > pseq + 1) OR (pseq IS NOT NULL AND seq = pseq + 1 AND prev <> phash)
    ORDER BY device, seq`;
}

/**
 * Devices whose announced tail is beyond their last stored record (or that have no record at all). `?` as above.
 */
export function tailGapSql(byDevice: boolean, placeholder: string): string {
  return `SELECT t.device, t.seq AS tail, m.maxseq FROM device_tails t
      LEFT JOIN (SELECT device, MAX(seq) AS maxseq FROM records${byDevice ? ` WHERE device = ${placeholder}` : ''} GROUP BY device) m ON m.device = t.device
    WHERE t.seq > COALESCE(m.maxseq, 0)${byDevice ? ` AND t.device = ${placeholder}` : ''}`;
}

type AnomalyRow = { device: string; seq: number | string; prev: string; pseq: number | string | null; phash: string | null };
type TailRow = { device: string; tail: number | string; maxseq: number | string | null };

export function chainFromAnomalies(rows: AnomalyRow[], tails: TailRow[] = []): ChainReport {
  const report: ChainReport = { gaps: [], breaks: [] };
  for (const r of rows) {
    const seq = Number(r.seq);
    if (r.pseq === null) report.gaps.push({ device: r.device, from: 1, to: seq - 1, where: 'before-first' });
    else if (seq > Number(r.pseq) + 1) report.gaps.push({ device: r.device, from: Number(r.pseq) + 1, to: seq - 1, where: 'between' });
    else report.breaks.push({ device: r.device, seq, detail: `prev ${r.prev} != hash of seq ${r.pseq} (${r.phash})` });
  }
  for (const t of tails) {
    const max = t.maxseq === null ? 0 : Number(t.maxseq);
    report.gaps.push({ device: t.device, from: max + 1, to: Number(t.tail), where: max === 0 ? 'before-first' : 'after-last' });
  }
  report.gaps.sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : a.from - b.from));
  return report;
}

export function tailFromRow(r: { device: string; seq: number | string; seen_at: number | string }): DeviceTail {
  return { device: r.device, seq: Number(r.seq), seenAt: Number(r.seen_at) };
}

export function alarmFromRow(r: Record<string, unknown>): CollectorAlarm {
  return {
    at: Number(r.at), device: String(r.device), kind: r.kind as CollectorAlarm['kind'],
    fromSeq: Number(r.from_seq), toSeq: Number(r.to_seq), detail: String(r.detail),
  };
}

export const RESEND_REQUEST_COLUMNS = 'device, ranges, first_at, last_at, next_at, attempts, why';

export function resendRequestRow(r: ResendRequest): (string | number | null)[] {
  return [r.device, r.ranges, r.firstAt, r.lastAt, r.nextAt, r.attempts, r.why];
}

export function resendRequestFromRow(r: Record<string, unknown>): ResendRequest {
  return {
    device: String(r.device), ranges: String(r.ranges), firstAt: Number(r.first_at), lastAt: Number(r.last_at),
    nextAt: Number(r.next_at), attempts: Number(r.attempts), why: r.why === null || r.why === undefined ? null : String(r.why),
  };
}
