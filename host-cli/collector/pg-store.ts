// PostgreSQL backend of the collector store (pg). Several collector processes may share one database.
// The URL may carry ?schema=NAME: the tables then live in that schema (created if absent).
import pg from 'pg';
import { applyIngestRules } from './ingest-rules.js';
import { copyRows } from './pg-copy.js';
import { RECORD_COLUMNS, recordRow, schemaSql } from './schema.js';
import type {
  ChainReport, CollectorAlarm, DeviceTail, CollectorStore, IngestResult, IngestTx, IntervalFilter, RegisteredKey, Rejection, ResendRequest, StoreCounts,
  StoredInterval, StoredLink, VerifiedRecord,
} from './store-types.js';
import { seqKey } from './store-types.js';
import { gatewayAlarmFromRow, type GatewayAlarm, type GatewayAlarmRow } from './gateway-alarm-rows.js';
import { alarmFromRow, chainAnomalySql, chainFromAnomalies, intervalFromRow, keyFromRow, RESEND_REQUEST_COLUMNS, resendRequestFromRow, resendRequestRow, tailFromRow, tailGapSql, type KeyRow } from './store-rows.js';
import { ConfigError } from '../../drivers/errors.js';

const ROWS_PER_INSERT = 5000;

const PG_TYPES: Record<(typeof RECORD_COLUMNS)[number], string> = {
  id: 'text', device: 'text', seq: 'bigint', hash: 'text', prev: 'text', kid: 'text', type: 'text', created: 'text', received_at: 'bigint',
  meter: 'text', channel: 'text', period_start: 'bigint', revision: 'integer', compact: 'text',
};

export function parsePgUrl(url: string): { connectionString: string; schema: string | null } {
  const u = new URL(url);
  const schema = u.searchParams.get('schema');
  u.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigError('bad-schema', `schema "${schema}" in the database URL must be a lower-case SQL identifier (a-z, 0-9, _)`);
  }
  return { connectionString: u.toString(), schema };
}

export class PgStore implements CollectorStore {
  readonly kind = 'postgres' as const;
  private pool: pg.Pool;
  private schema: string | null;
  /** Batches whose COPY met a row stored meanwhile by another collector and went through INSERT instead. */
  copyFallbacks = 0;

  constructor(url: string, poolSize = 4) {
    const { connectionString, schema } = parsePgUrl(url);
    this.schema = schema;
    this.pool = new pg.Pool({
      connectionString,
      max: poolSize,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    this.pool.on('error', () => undefined);
  }

  async init(): Promise<void> {
    const c = await this.pool.connect();
    try {
      if (this.schema) await c.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      // Two collectors starting at once must not race on CREATE TABLE. Bounded: a session stuck holding the lock
      // gives an error naming it, not a start-up that waits for ever.
      await c.query(`SET lock_timeout = '60s'`);
      await c.query('SELECT pg_advisory_lock(736201)').catch((e: Error) => {
        throw new Error(`waiting for the schema lock (pg_advisory_lock 736201, held by another session): ${e.message}`);
      });
      await c.query('RESET lock_timeout');
      try {
        for (const s of schemaSql('postgres')) await c.query(s);
      } finally {
        await c.query('SELECT pg_advisory_unlock(736201)');
      }
    } finally {
      c.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async addKey(k: RegisteredKey): Promise<void> {
    await this.pool.query(
      `INSERT INTO device_keys (device, kid, alg, jwk, valid_from, valid_to, source, added_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
      [k.device, k.kid, k.alg, JSON.stringify(k.jwk), k.validFrom, k.validTo, k.source, k.addedAt],
    );
  }

  async revokeKey(kid: string, atMs: number, device?: string): Promise<number> {
    const r = device
      ? await this.pool.query(`UPDATE device_keys SET valid_to = $1 WHERE kid = $2 AND device = $3`, [atMs, kid, device])
      : await this.pool.query(`UPDATE device_keys SET valid_to = $1 WHERE kid = $2`, [atMs, kid]);
    return r.rowCount ?? 0;
  }

  async listKeys(device?: string): Promise<RegisteredKey[]> {
    const r = device
      ? await this.pool.query<KeyRow>(`SELECT * FROM device_keys WHERE device = $1 ORDER BY device, valid_from, kid`, [device])
      : await this.pool.query<KeyRow>(`SELECT * FROM device_keys ORDER BY device, valid_from, kid`);
    return r.rows.map(keyFromRow);
  }

  async ingest(records: VerifiedRecord[], rejections: Rejection[]): Promise<IngestResult> {
    // Two collectors inserting overlapping rows (redeliveries) must take row locks in the same order.
    const sorted = [...records].sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : a.seq - b.seq));
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.ingestOnce(sorted, rejections);
      } catch (e) {
        const code = (e as { code?: string }).code;
        // 40P01 deadlock, 40001 serialization failure: the transaction was rolled back, run it again.
        if ((code === '40P01' || code === '40001') && attempt < 5) continue;
        throw e;
      }
    }
  }

  private async ingestOnce(records: VerifiedRecord[], rejections: Rejection[]): Promise<IngestResult> {
    const c = await this.pool.connect();
    const tx: IngestTx = {
      byIds: async (ids) => {
        const m = new Map<string, { hash: string }>();
        if (ids.length === 0) return m;
        const r = await c.query<{ id: string; hash: string }>(`SELECT id, hash FROM records WHERE id = ANY($1::text[])`, [ids]);
        for (const row of r.rows) m.set(row.id, { hash: row.hash });
        return m;
      },
      bySeqs: async (keys) => {
        const m = new Map<string, { id: string; hash: string; prev: string }>();
        if (keys.length === 0) return m;
        const r = await c.query<{ id: string; device: string; seq: string; hash: string; prev: string }>(
          `SELECT r.id, r.device, r.seq, r.hash, r.prev FROM records r
             JOIN unnest($1::text[], $2::bigint[]) AS k(device, seq) ON r.device = k.device AND r.seq = k.seq`,
          [keys.map((k) => k.device), keys.map((k) => k.seq)],
        );
        for (const row of r.rows) m.set(seqKey(row.device, Number(row.seq)), { id: row.id, hash: row.hash, prev: row.prev });
        return m;
      },
      insertRecords: async (rows) => {
        if (rows.length === 0) return new Set<string>();
        // COPY, in a savepoint: it cannot skip a row, so a unique violation (another collector stored one of these
        // records since the look-ups; rare) undoes it and the rows go through INSERT ... ON CONFLICT DO NOTHING,
        // which tells which ones were taken. The rules' outcome is the same either way.
        await c.query('SAVEPOINT copy_records');
        try {
          await copyRows(c, 'records', RECORD_COLUMNS, rows, recordRow);
          await c.query('RELEASE SAVEPOINT copy_records');
          return new Set(rows.map((r) => r.id));
        } catch (e) {
          if ((e as { code?: string }).code !== '23505') throw e;
          await c.query('ROLLBACK TO SAVEPOINT copy_records');
          this.copyFallbacks++;
        }
        // One statement per chunk with one array per column: the driver serialises 14 parameters, not 14 per row.
        const done = new Set<string>();
        for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
          const cols: unknown[][] = RECORD_COLUMNS.map(() => []);
          for (const r of rows.slice(i, i + ROWS_PER_INSERT)) recordRow(r).forEach((v, c2) => cols[c2]!.push(v));
          const res = await c.query<{ id: string }>(
            `INSERT INTO records (${RECORD_COLUMNS.join(',')}) SELECT * FROM unnest(${RECORD_COLUMNS.map((col, c2) => `$${c2 + 1}::${PG_TYPES[col]}[]`).join(',')}) ON CONFLICT DO NOTHING RETURNING id`,
            cols,
          );
          for (const row of res.rows) done.add(row.id);
        }
        return done;
      },
      insertRejections: async (rows) => {
        for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
          const part = rows.slice(i, i + ROWS_PER_INSERT);
          const values: unknown[] = [];
          const tuples = part.map((r, j) => {
            values.push(r.receivedAt, r.topic, r.device, r.recordId, r.reason, r.detail, r.raw.replace(/\u0000/g, ''));
            return `(${[1, 2, 3, 4, 5, 6, 7].map((c2) => `$${j * 7 + c2}`).join(',')})`;
          });
          await c.query(`INSERT INTO rejections (received_at, topic, device, record_id, reason, detail, raw) VALUES ${tuples.join(',')}`, values);
        }
      },
      addCounter: async (name, n) => {
        await c.query(`INSERT INTO counters (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = counters.value + EXCLUDED.value`, [name, n]);
      },
    };
    try {
      await c.query('BEGIN');
      const result = await applyIngestRules(tx, records, rejections);
      await c.query('COMMIT');
      return result;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  async counts(): Promise<StoreCounts> {
    const t = await this.pool.query<{ type: string; n: string }>(`SELECT type, COUNT(*) AS n FROM records GROUP BY type`);
    const rj = await this.pool.query<{ reason: string; n: string }>(`SELECT reason, COUNT(*) AS n FROM rejections GROUP BY reason`);
    const dup = await this.pool.query<{ value: string }>(`SELECT value FROM counters WHERE name = 'duplicates'`);
    const intervals = Number(t.rows.find((x) => x.type === 'interval')?.n ?? 0);
    const alarms = Number(t.rows.find((x) => x.type === 'alarm')?.n ?? 0);
    return {
      records: intervals + alarms, intervals, alarms, duplicates: Number(dup.rows[0]?.value ?? 0),
      rejections: Object.fromEntries(rj.rows.map((r) => [r.reason, Number(r.n)])),
    };
  }

  async listRejections(limit: number): Promise<Rejection[]> {
    const r = await this.pool.query<Record<string, unknown>>(`SELECT * FROM rejections ORDER BY rid DESC LIMIT $1`, [limit]);
    return r.rows.map((x) => ({
      receivedAt: Number(x.received_at), topic: String(x.topic), device: (x.device as string | null) ?? null,
      recordId: (x.record_id as string | null) ?? null, reason: x.reason as Rejection['reason'], detail: String(x.detail), raw: String(x.raw),
    }));
  }

  async intervals(f: IntervalFilter): Promise<StoredInterval[]> {
    const where = [`type = 'interval'`];
    const args: (string | number)[] = [];
    if (f.device) { args.push(f.device); where.push(`device = $${args.length}`); }
    if (f.fromMs !== undefined) { args.push(f.fromMs); where.push(`period_start >= $${args.length}`); }
    if (f.toMs !== undefined) { args.push(f.toMs); where.push(`period_start < $${args.length}`); }
    const r = await this.pool.query<Record<string, unknown>>(
      `SELECT id, device, seq, received_at, compact FROM records WHERE ${where.join(' AND ')} ORDER BY device, meter, channel, period_start, revision`,
      args,
    );
    return r.rows.map(intervalFromRow);
  }

  async chainReport(device?: string): Promise<ChainReport> {
    const sql = chainAnomalySql(device !== undefined, '$1');
    const r = await this.pool.query<Parameters<typeof chainFromAnomalies>[0][number]>(sql, device ? [device] : []);
    const t = await this.pool.query<NonNullable<Parameters<typeof chainFromAnomalies>[1]>[number]>(tailGapSql(device !== undefined, '$1'), device ? [device] : []);
    return chainFromAnomalies(r.rows, t.rows);
  }

  async linksAt(keys: { device: string; seq: number }[]): Promise<Map<string, StoredLink>> {
    const m = new Map<string, StoredLink>();
    if (keys.length === 0) return m;
    const r = await this.pool.query<{ device: string; seq: string; prev: string; kid: string }>(
      `SELECT r.device, r.seq, r.prev, r.kid FROM records r JOIN unnest($1::text[], $2::bigint[]) AS k(device, seq) ON r.device = k.device AND r.seq = k.seq`,
      [keys.map((k) => k.device), keys.map((k) => k.seq)],
    );
    for (const row of r.rows) m.set(seqKey(row.device, Number(row.seq)), { prev: row.prev, kid: row.kid });
    return m;
  }

  async noteTails(tails: DeviceTail[]): Promise<void> {
    if (tails.length === 0) return;
    await this.pool.query(
      `INSERT INTO device_tails (device, seq, seen_at) SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[])
         ON CONFLICT (device) DO UPDATE SET seq = GREATEST(device_tails.seq, EXCLUDED.seq), seen_at = GREATEST(device_tails.seen_at, EXCLUDED.seen_at)`,
      [tails.map((t) => t.device), tails.map((t) => t.seq), tails.map((t) => t.seenAt)],
    );
  }

  async listTails(device?: string): Promise<DeviceTail[]> {
    const r = device
      ? await this.pool.query<Parameters<typeof tailFromRow>[0]>(`SELECT * FROM device_tails WHERE device = $1`, [device])
      : await this.pool.query<Parameters<typeof tailFromRow>[0]>(`SELECT * FROM device_tails ORDER BY device`);
    return r.rows.map(tailFromRow);
  }

  async addAlarm(a: CollectorAlarm): Promise<void> {
    await this.pool.query(`INSERT INTO collector_alarms (at, device, kind, from_seq, to_seq, detail) VALUES ($1,$2,$3,$4,$5,$6)`, [a.at, a.device, a.kind, a.fromSeq, a.toSeq, a.detail]);
  }

  async listAlarms(limit: number, device?: string): Promise<CollectorAlarm[]> {
    const r = device
      ? await this.pool.query<Record<string, unknown>>(`SELECT * FROM collector_alarms WHERE device = $1 ORDER BY aid DESC LIMIT $2`, [device, limit])
      : await this.pool.query<Record<string, unknown>>(`SELECT * FROM collector_alarms ORDER BY aid DESC LIMIT $1`, [limit]);
    return r.rows.map(alarmFromRow);
  }

  // Gateway alarm records, read back for the fleet console (self-contained block).
  async gatewayAlarms(limit: number, device?: string): Promise<GatewayAlarm[]> {
    const r = device
      ? await this.pool.query<GatewayAlarmRow>(`SELECT device, seq, compact FROM records WHERE type = 'alarm' AND device = $1 ORDER BY seq DESC LIMIT $2`, [device, limit])
      : await this.pool.query<GatewayAlarmRow>(`SELECT device, seq, compact FROM records WHERE type = 'alarm' ORDER BY received_at DESC, device, seq DESC LIMIT $1`, [limit]);
    return r.rows.map(gatewayAlarmFromRow);
  }

  // The recovery's resend requests (self-contained block).
  async noteResendRequest(r: ResendRequest): Promise<void> {
    await this.pool.query(
      `INSERT INTO resend_requests (${RESEND_REQUEST_COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7)
         ON CONFLICT (device) DO UPDATE SET ranges = EXCLUDED.ranges, first_at = EXCLUDED.first_at, last_at = EXCLUDED.last_at,
           next_at = EXCLUDED.next_at, attempts = EXCLUDED.attempts, why = EXCLUDED.why`,
      resendRequestRow(r),
    );
  }

  async clearResendRequest(device: string): Promise<void> {
    await this.pool.query(`DELETE FROM resend_requests WHERE device = $1`, [device]);
  }

  async listResendRequests(device?: string): Promise<ResendRequest[]> {
    const r = device
      ? await this.pool.query<Record<string, unknown>>(`SELECT * FROM resend_requests WHERE device = $1`, [device])
      : await this.pool.query<Record<string, unknown>>(`SELECT * FROM resend_requests ORDER BY device`);
    return r.rows.map(resendRequestFromRow);
  }


  /** Drops the schema named in the URL (tests use a throw-away schema per run). */
  async dropSchema(): Promise<void> {
    if (this.schema) await this.pool.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
  }
}
