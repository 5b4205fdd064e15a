// dc_technical_details: one version per meter and key-field state; a key field change issues a new version, closes
// the previous one and marks a proving test due (docs/data-collector.md "Meter Technical Details").
import { keyFieldChanges, type GatewayConfig } from '../../../device/config/gateway-config.js';
import type { CommissioningRecord } from '../../commissioning/commissioning-record.js';
import type { DcDb } from '../dc-db.js';
import { markProvingDue } from './proving-state.js';
import { technicalDetails, type MtdOptions, type TechnicalDetails } from './technical-details.js';

export interface MtdVersion {
  version: number;
  effectiveFrom: number;
  details: TechnicalDetails;
  /** What this run did for the meter. */
  change: 'first' | 'key-field-change' | 'unchanged';
  changedFields: string[];
}

async function latest(db: DcDb, device: string, meter: string): Promise<{ version: number; keyFields: Record<string, string>; document: TechnicalDetails; effectiveFrom: number } | null> {
  const rows = await db.all<{ version: number | string; key_fields: string; document: string; effective_from: number | string }>(
    `SELECT version, key_fields, document, effective_from FROM dc_technical_details WHERE device = ? AND meter = ? ORDER BY version DESC`, [device, meter]);
  const r = rows[0];
  return r ? { version: Number(r.version), keyFields: JSON.parse(r.key_fields) as Record<string, string>, document: JSON.parse(r.document) as TechnicalDetails, effectiveFrom: Number(r.effective_from) } : null;
}

/** Issues (or re-reads) the technical details of every configured meter. */
export async function issueTechnicalDetails(db: DcDb, rec: CommissioningRecord, cfg: GatewayConfig, o: { amvlpId: string | null; outstationType: string | null; atMs: number }): Promise<MtdVersion[]> {
  const out: MtdVersion[] = [];
  for (const m of cfg.meters) {
    const prev = await latest(db, cfg.deviceId, m.id);
    const first = prev === null;
    const effectiveFrom = first ? Date.parse(rec.commissionedAt) : o.atMs;
    const opts: MtdOptions = { amvlpId: o.amvlpId, outstationType: o.outstationType, effectiveFromMs: effectiveFrom };
    const details = technicalDetails(rec, cfg, m, opts);
    const changes = prev ? keyFieldChanges(prev.keyFields, details.keyFields) : [];
    if (prev && changes.length === 0) {
      out.push({ version: prev.version, effectiveFrom: prev.effectiveFrom, details: prev.document, change: 'unchanged', changedFields: [] });
      continue;
    }
    const version = prev ? prev.version + 1 : 0;
    if (prev) {
      // The previous registration ends where the new one starts.
      const closed = technicalDetails(rec, cfg, m, { ...opts, effectiveFromMs: prev.effectiveFrom, effectiveToMs: o.atMs });
      const prevDoc = { ...prev.document, p0303: { ...prev.document.p0303, 'Asset Meter Effective to Date (Import)': closed.p0303['Asset Meter Effective to Date (Import)'] ?? null, ...(prev.document.p0303['Export AMSID'] ? { 'Asset Meter Effective to Date (Export)': closed.p0303['Asset Meter Effective to Date (Import)'] ?? null } : {}) } };
      await db.run(`UPDATE dc_technical_details SET document = ? WHERE device = ? AND meter = ? AND version = ?`, [JSON.stringify(prevDoc), cfg.deviceId, m.id, prev.version]);
    }
    await db.run(
      `INSERT INTO dc_technical_details (device, meter, version, key_fields, document, effective_from, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [cfg.deviceId, m.id, version, JSON.stringify(details.keyFields), JSON.stringify(details), effectiveFrom, o.atMs],
    );
    const changedFields = changes.map(([f]) => f);
    // seeds/003: a proving test is needed for a new installation and after a key field change.
    await markProvingDue(db, cfg.deviceId, m.id, effectiveFrom, first ? 'new installation' : `key field change: ${changes.map(([f, a, b]) => `${f} ${a ?? '-'} -> ${b ?? '-'}`).join(', ')}`);
    out.push({ version, effectiveFrom, details, change: first ? 'first' : 'key-field-change', changedFields });
  }
  return out;
}
