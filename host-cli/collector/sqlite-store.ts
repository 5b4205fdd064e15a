// SQLite backend of the collector store (better-sqlite3, WAL). Zero set-up: the default for one site.
import Database from 'better-sqlite3';
import { applyIngestRules } from './ingest-rules.js';
import { RECORD_COLUMNS, recordRow, schemaSql } from './schema.js';
import type {
  ChainReport, CollectorAlarm, CollectorStore, DeviceTail, IngestResult, IngestTx, IntervalFilter, RegisteredKey, Rejection, ResendRequest, StoreCounts,
  StoredInterval, StoredLink, VerifiedRecord,
} from './store-types.js';
import { seqKey } from './store-types.js';
import { gatewayAlarmFromRow, type GatewayAlarm, type GatewayAlarmRow } from './gateway-alarm-rows.js';
import { alarmFromRow, chainAnomalySql, chainFromAnomalies, intervalFromRow, keyFromRow, RESEND_REQUEST_COLUMNS, resendRequestFromRow, resendRequestRow, tailFromRow, tailGapSql, type KeyRow } from './store-rows.js';

const CHUNK = 400;

export class SqliteStore implements CollectorStore {
  readonly kind = 'sqlite' as const;
  private db: Database.Database;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
  }

  async init(): Promise<void> {
    for (const s of schemaSql('sqlite')) this.db.exec(s);
  }

  async close(): Promise<void> {
    await this.busy.catch(() => undefined);
    this.db.close();
  }

  async addKey(k: RegisteredKey): Promise<void> {
    this.db
      .prepare(`INSERT INTO device_keys (device, kid, alg, jwk, valid_from, valid_to, source, added_at) VALUES (?,?,?,?,?,?,?,?)`)
      .run(k.device, k.kid, k.alg, JSON.stringify(k.jwk), k.validFrom, k.validTo, k.source, k.addedAt);
  }

  async revokeKey(kid: string, atMs: number, device?: string): Promise<number> {
    const sql = `UPDATE device_keys SET valid_to = ? WHERE kid = ?${device ? ' AND device = ?' : ''}`;
    const args: (string | number)[] = device ? [atMs, kid, device] : [atMs, kid];
    return this.db.prepare(sql).run(...args).changes;
  }

  async listKeys(device?: string): Promise<RegisteredKey[]> {
    const rows = (device
      ? this.db.prepare(`SELECT * FROM device_keys WHERE device = ? ORDER BY device, valid_from, kid`).all(device)
      : this.db.prepare(`SELECT * FROM device_keys ORDER BY device, valid_from, kid`).all()) as KeyRow[];
    return rows.map(keyFromRow);
  }

  async ingest(records: VerifiedRecord[], rejections: Rejection[]): Promise<IngestResult> {
    // Serialise: better-sqlite3 transactions are synchronous, but the shared rules are written with awaits.
    const run = this.busy.then(() => this.ingestNow(records, rejections));
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async ingestNow(records: VerifiedRecord[], rejections: Rejection[]): Promise<IngestResult> {
    const db = this.db;
    const tx: IngestTx = {
      byIds: async (ids) => {
        const m = new Map<string, { hash: string }>();
        for (let i = 0; i < ids.length; i += CHUNK) {
          const part = ids.slice(i, i + CHUNK);
          const rows = db.prepare(`SELECT id, hash FROM records WHERE id IN (${part.map(() => '?').join(',')})`).all(...part) as { id: string; hash: string }[];
          for (const r of rows) m.set(r.id, { hash: r.hash });
        }
        return m;
      },
      bySeqs: async (keys) => {
        const m = new Map<string, { id: string; hash: string; prev: string }>();
        const stmt = db.prepare(`SELECT id, hash, prev FROM records WHERE device = ? AND seq = ?`);
        for (const k of keys) {
          const row = stmt.get(k.device, k.seq) as { id: string; hash: string; prev: string } | undefined;
          if (row) m.set(seqKey(k.device, k.seq), row);
        }
        return m;
      },
      insertRecords: async (rows) => {
        const stmt = db.prepare(`INSERT OR IGNORE INTO records (${RECORD_COLUMNS.join(',')}) VALUES (${RECORD_COLUMNS.map(() => '?').join(',')})`);
        const done = new Set<string>();
        for (const r of rows) if (stmt.run(...recordRow(r)).changes === 1) done.add(r.id);
        return done;
      },
      insertRejections: async (rows) => {
        const stmt = db.prepare(`INSERT INTO rejections (received_at, topic, device, record_id, reason, detail, raw) VALUES (?,?,?,?,?,?,?)`);
        for (const r of rows) stmt.run(r.receivedAt, r.topic, r.device, r.recordId, r.reason, r.detail, r.raw);
      },
      addCounter: async (name, n) => {
        db.prepare(`INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value`).run(name, n);
      },
    };
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = await applyIngestRules(tx, records, rejections);
      db.exec('COMMIT');
      return result;
    } catch (e) {
      db.exec('ROLLBACK');
      throw e;
    }
  }

  async counts(): Promise<StoreCounts> {
    const t = this.db.prepare(`SELECT type, COUNT(*) AS n FROM records GROUP BY type`).all() as { type: string; n: number }[];
    const rj = this.db.prepare(`SELECT reason, COUNT(*) AS n FROM rejections GROUP BY reason`).all() as { reason: string; n: number }[];
    const dup = this.db.prepare(`SELECT value FROM counters WHERE name = 'duplicates'`).get() as { value: number } | undefined;
    const intervals = t.find((x) => x.type === 'interval')?.n ?? 0;
    const alarms = t.find((x) => x.type === 'alarm')?.n ?? 0;
    return {
      records: intervals + alarms, intervals, alarms, duplicates: dup?.value ?? 0,
      rejections: Object.fromEntries(rj.map((r) => [r.reason, r.n])),
    };
  }

  async listRejections(limit: number): Promise<Rejection[]> {
    const rows = this.db.prepare(`SELECT * FROM rejections ORDER BY rid DESC LIMIT ?`).all(limit) as Record<string, unknown>[];
    return rows.map((r) => ({
      receivedAt: Number(r.received_at), topic: String(r.topic), device: (r.device as string | null) ?? null,
      recordId: (r.record_id as string | null) ?? null, reason: r.reason as Rejection['reason'], detail: String(r.detail), raw: String(r.raw),
    }));
  }

  async intervals(f: IntervalFilter): Promise<StoredInterval[]> {
    const where = [`type = 'interval'`];
    const args: (string | number)[] = [];
    if (f.device) { where.push('device = ?'); args.push(f.device); }
    if (f.fromMs !== undefined) { where.push('period_start >= ?'); args.push(f.fromMs); }
    if (f.toMs !== undefined) { where.push('period_start < ?'); args.push(f.toMs); }
    const rows = this.db
      .prepare(`SELECT id, device, seq, received_at, compact FROM records WHERE ${where.join(' AND ')} ORDER BY device, meter, channel, period_start, revision`)
      .all(...args) as Record<string, unknown>[];
    return rows.map(intervalFromRow);
  }

  async chainReport(device?: string): Promise<ChainReport> {
    const sql = chainAnomalySql(device !== undefined, '?');
    const rows = (device ? this.db.prepare(sql).all(device) : this.db.prepare(sql).all()) as Parameters<typeof chainFromAnomalies>[0];
    const tsql = tailGapSql(device !== undefined, '?');
    const tails = (device ? this.db.prepare(tsql).all(device, device) : this.db.prepare(tsql).all()) as Parameters<typeof chainFromAnomalies>[1];
    return chainFromAnomalies(rows, tails);
  }

  async linksAt(keys: { device: string; seq: number }[]): Promise<Map<string, StoredLink>> {
    const m = new Map<string, StoredLink>();
    const stmt = this.db.prepare(`SELECT prev, kid FROM records WHERE device = ? AND seq = ?`);
    for (const k of keys) {
      const row = stmt.get(k.device, k.seq) as StoredLink | undefined;
      if (row) m.set(seqKey(k.device, k.seq), { prev: row.prev, kid: row.kid });
    }
    return m;
  }

  async noteTails(tails: DeviceTail[]): Promise<void> {
    const stmt = this.db.prepare(
      `INSERT INTO device_tails (device, seq, seen_at) VALUES (?,?,?) ON CONFLICT(device) DO UPDATE SET seq = MAX(seq, excluded.seq), seen_at = MAX(seen_at, excluded.seen_at)`,
    );
    this.db.transaction(() => { for (const t of tails) stmt.run(t.device, t.seq, t.seenAt); })();
  }

  async listTails(device?: string): Promise<DeviceTail[]> {
    const rows = (device
      ? this.db.prepare(`SELECT * FROM device_tails WHERE device = ?`).all(device)
      : this.db.prepare(`SELECT * FROM device_tails ORDER BY device`).all()) as Parameters<typeof tailFromRow>[0][];
    return rows.map(tailFromRow);
  }

  async addAlarm(a: CollectorAlarm): Promise<void> {
    this.db.prepare(`INSERT INTO collector_alarms (at, device, kind, from_seq, to_seq, detail) VALUES (?,?,?,?,?,?)`).run(a.at, a.device, a.kind, a.fromSeq, a.toSeq, a.detail);
  }

  async listAlarms(limit: number, device?: string): Promise<CollectorAlarm[]> {
    const rows = (device
      ? this.db.prepare(`SELECT * FROM collector_alarms WHERE device = ? ORDER BY aid DESC LIMIT ?`).all(device, limit)
      : this.db.prepare(`SELECT * FROM collector_alarms ORDER BY aid DESC LIMIT ?`).all(limit)) as Record<string, unknown>[];
    return rows.map(alarmFromRow);
  }

  // Gateway alarm records, read back for the fleet console (self-contained block).
  async gatewayAlarms(limit: number, device?: string): Promise<GatewayAlarm[]> {
    const rows = (device
      ? this.db.prepare(`SELECT device, seq, compact FROM records WHERE type = 'alarm' AND device = ? ORDER BY seq DESC LIMIT ?`).all(device, limit)
      : this.db.prepare(`SELECT device, seq, compact FROM records WHERE type = 'alarm' ORDER BY received_at DESC, device, seq DESC LIMIT ?`).all(limit)) as GatewayAlarmRow[];
    return rows.map(gatewayAlarmFromRow);
  }

  // The recovery's resend requests (self-contained block).
  async noteResendRequest(r: ResendRequest): Promise<void> {
    this.db.prepare(`INSERT OR REPLACE INTO resend_requests (${RESEND_REQUEST_COLUMNS}) VALUES (?,?,?,?,?,?,?)`).run(...resendRequestRow(r));
  }

  async clearResendRequest(device: string): Promise<void> {
    this.db.prepare(`DELETE FROM resend_requests WHERE device = ?`).run(device);
  }

  async listResendRequests(device?: string): Promise<ResendRequest[]> {
    const rows = (device
      ? this.db.prepare(`SELECT * FROM resend_requests WHERE device = ?`).all(device)
      : this.db.prepare(`SELECT * FROM resend_requests ORDER BY device`).all()) as Record<string, unknown>[];
    return rows.map(resendRequestFromRow);
  }

}
