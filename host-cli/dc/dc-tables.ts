// Reading and writing the validation and estimate tables (docs/data-collector.md "Tables").
import type { DcDb } from './dc-db.js';
import type { Estimate } from './estimation/estimate.js';
import type { Series } from './series.js';
import type { PeriodVerdict } from './validation/validate-series.js';

export async function saveVerdicts(db: DcDb, verdicts: PeriodVerdict[], atMs: number): Promise<void> {
  for (const v of verdicts) {
    await db.run(
      `INSERT INTO dc_validation (amsid, period_start, device, meter, channel, record_id, revision, verdict, findings, validated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (amsid, period_start) DO UPDATE SET device = excluded.device, meter = excluded.meter, channel = excluded.channel,
         record_id = excluded.record_id, revision = excluded.revision, verdict = excluded.verdict, findings = excluded.findings, validated_at = excluded.validated_at`,
      [v.series.amsid, v.startMs, v.series.dev, v.series.meter, v.series.channel, v.recordId, v.revision, v.verdict, JSON.stringify(v.findings), atMs],
    );
  }
}

export interface StoredEstimate {
  amsid: string;
  periodStart: number;
  revision: number;
  device: string;
  meter: string;
  channel: string;
  energyWh: number;
  method: string;
  basis: string;
  /** active: the period's current value; superseded: a later estimate revised it; replaced: actual data arrived. */
  state: 'active' | 'superseded' | 'replaced';
  replacedBy: string | null;
  createdAt: number;
  updatedAt: number;
}

interface EstRow {
  amsid: string; period_start: number | string; revision: number | string; device: string; meter: string; channel: string;
  energy_wh: number | string | bigint; method: string; basis: string; state: string; replaced_by: string | null; created_at: number | string; updated_at: number | string;
}

const fromRow = (r: EstRow): StoredEstimate => ({
  amsid: r.amsid, periodStart: Number(r.period_start), revision: Number(r.revision), device: r.device, meter: r.meter, channel: r.channel,
  energyWh: Number(r.energy_wh), method: r.method, basis: r.basis, state: r.state as StoredEstimate['state'], replacedBy: r.replaced_by,
  createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
});

export async function estimates(db: DcDb, f: { amsid?: string; fromMs?: number; toMs?: number; states?: StoredEstimate['state'][] } = {}): Promise<StoredEstimate[]> {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (f.amsid) { where.push('amsid = ?'); args.push(f.amsid); }
  if (f.fromMs !== undefined) { where.push('period_start >= ?'); args.push(f.fromMs); }
  if (f.toMs !== undefined) { where.push('period_start < ?'); args.push(f.toMs); }
  if (f.states?.length) { where.push(`state IN (${f.states.map(() => '?').join(', ')})`); args.push(...f.states); }
  const rows = await db.all<EstRow>(`SELECT * FROM dc_estimates${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY amsid, period_start, revision`, args);
  return rows.map(fromRow);
}

/**
 * Stores new estimates as revisions: an unchanged estimate is left as it is, a changed one supersedes the active
 * revision. Returns how many rows were written.
 */
export async function saveEstimates(db: DcDb, list: Estimate[], atMs: number): Promise<number> {
  let n = 0;
  for (const e of list) {
    const active = (await estimates(db, { amsid: e.series.amsid, fromMs: e.startMs, toMs: e.startMs + 1, states: ['active'] }))[0];
    if (active && active.energyWh === e.energyWh && active.method === e.method) continue;
    const last = (await db.all<{ m: number | null }>(`SELECT MAX(revision) AS m FROM dc_estimates WHERE amsid = ? AND period_start = ?`, [e.series.amsid, e.startMs]))[0]?.m;
    if (active) await db.run(`UPDATE dc_estimates SET state = 'superseded', updated_at = ? WHERE amsid = ? AND period_start = ? AND revision = ?`, [atMs, active.amsid, active.periodStart, active.revision]);
    await db.run(
      `INSERT INTO dc_estimates (amsid, period_start, revision, device, meter, channel, energy_wh, method, basis, state, replaced_by, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', NULL, ?, ?)`,
      [e.series.amsid, e.startMs, last === null || last === undefined ? 0 : Number(last) + 1, e.series.dev, e.series.meter, e.series.channel, e.energyWh, e.method, e.basis, atMs, atMs],
    );
    n++;
  }
  return n;
}

/** Marks active estimates whose period now has actual data as replaced by that record. */
export async function replaceByActual(db: DcDb, s: Series, actual: Map<number, { id: string }>, atMs: number): Promise<number> {
  let n = 0;
  for (const e of await estimates(db, { amsid: s.amsid, states: ['active'] })) {
    const r = actual.get(e.periodStart);
    if (!r) continue;
    await db.run(`UPDATE dc_estimates SET state = 'replaced', replaced_by = ?, updated_at = ? WHERE amsid = ? AND period_start = ? AND revision = ?`, [r.id, atMs, e.amsid, e.periodStart, e.revision]);
    n++;
  }
  return n;
}
