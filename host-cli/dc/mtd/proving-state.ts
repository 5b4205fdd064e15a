// Whether a proving test is due per meter (seeds/003 "Proving Test": after a key field change, until one passes).
// A key field change marks it due (technical-details.ts); `amsgate prove` recording a pass clears it.
import type { DcDb } from '../dc-db.js';

export interface ProvingRow {
  device: string;
  meter: string;
  dueSince: number;
  reason: string;
  state: 'due' | 'passed';
  passedAt: number | null;
  detail: string | null;
}

export async function provingRows(db: DcDb, device?: string): Promise<ProvingRow[]> {
  const rows = await db.all<{ device: string; meter: string; due_since: number | string; reason: string; state: string; passed_at: number | string | null; detail: string | null }>(
    `SELECT * FROM dc_proving_tests${device ? ' WHERE device = ?' : ''} ORDER BY device, meter, due_since`, device ? [device] : []);
  return rows.map((r) => ({ device: r.device, meter: r.meter, dueSince: Number(r.due_since), reason: r.reason, state: r.state as ProvingRow['state'], passedAt: r.passed_at === null ? null : Number(r.passed_at), detail: r.detail }));
}

/** "device/meter" -> the earliest time since which a proving test has been due and not passed. */
export async function provingDueMap(db: DcDb): Promise<Map<string, number>> {
  const m = new Map<string, number>();
  for (const r of await provingRows(db)) {
    if (r.state !== 'due') continue;
    const k = `${r.device}/${r.meter}`;
    const had = m.get(k);
    if (had === undefined || r.dueSince < had) m.set(k, r.dueSince);
  }
  return m;
}

export async function markProvingDue(db: DcDb, device: string, meter: string, sinceMs: number, reason: string): Promise<void> {
  await db.run(`INSERT INTO dc_proving_tests (device, meter, due_since, reason, state, passed_at, detail) VALUES (?, ?, ?, ?, 'due', NULL, NULL) ON CONFLICT (device, meter, due_since) DO NOTHING`, [device, meter, sinceMs, reason]);
}

/** A passed proving test clears every due row of the meter up to its time. Returns how many it cleared. */
export async function recordProvingPass(db: DcDb, device: string, meter: string, atMs: number, detail: string): Promise<number> {
  return db.run(`UPDATE dc_proving_tests SET state = 'passed', passed_at = ?, detail = ? WHERE device = ? AND meter = ? AND state = 'due' AND due_since <= ?`, [atMs, detail, device, meter, atMs]);
}
