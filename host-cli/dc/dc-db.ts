// The data collector's own tables live in the collector's database (same --db: SQLite file or PostgreSQL URL) but
// are created and migrated here, apart from the collector schema. One tiny SQL runner for both backends: SQL is
// written with `?` placeholders; PostgreSQL gets $1, $2, ...
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { ConfigError } from '../../drivers/errors.js';
import { DC_MIGRATIONS } from './dc-schema.js';

export type SqlValue = string | number | bigint | null;

export interface DcDb {
  readonly kind: 'sqlite' | 'postgres';
  run(sql: string, params?: SqlValue[]): Promise<number>;
  all<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T[]>;
  close(): Promise<void>;
}

class SqliteDcDb implements DcDb {
  readonly kind = 'sqlite' as const;
  private db: Database.Database;
  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
  }
  async run(sql: string, params: SqlValue[] = []): Promise<number> {
    return this.db.prepare(sql).run(...params).changes;
  }
  async all<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return this.db.prepare(sql).all(...params) as T[];
  }
  async close(): Promise<void> {
    this.db.close();
  }
}

class PgDcDb implements DcDb {
  readonly kind = 'postgres' as const;
  constructor(private pool: import('pg').Pool) {}
  private static text(sql: string): string {
    let i = 0;
    return sql.replace(/\?/g, () => `$${++i}`);
  }
  async run(sql: string, params: SqlValue[] = []): Promise<number> {
    return (await this.pool.query(PgDcDb.text(sql), params.map((p) => (typeof p === 'bigint' ? p.toString() : p)))).rowCount ?? 0;
  }
  async all<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return (await this.pool.query(PgDcDb.text(sql), params.map((p) => (typeof p === 'bigint' ? p.toString() : p)))).rows as T[];
  }
  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Opens the data collector tables in `db` (creating or migrating them); the database itself must exist. */
export async function openDcDb(db: string): Promise<DcDb> {
  let out: DcDb;
  if (/^postgres(ql)?:\/\//.test(db)) {
    const pg = (await import('pg')).default;
    const { parsePgUrl } = await import('../collector/pg-store.js');
    const { connectionString, schema } = parsePgUrl(db);
    const pool = new pg.Pool({ connectionString, max: 2, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
    pool.on('error', () => undefined);
    if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    out = new PgDcDb(pool);
  } else {
    if (!existsSync(db)) throw new ConfigError('no-store', `--db ${db}: no such file; expected the collector's SQLite store (the --db given to amsgate collect) or a postgres:// URL`);
    out = new SqliteDcDb(db);
  }
  await migrate(out);
  return out;
}

/** Opens an in-memory/temporary SQLite DC database (tests). */
export async function openSqliteDcDb(path: string): Promise<DcDb> {
  const d = new SqliteDcDb(path);
  await migrate(d);
  return d;
}

async function migrate(d: DcDb): Promise<void> {
  await d.run(`CREATE TABLE IF NOT EXISTS dc_schema_version (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`);
  const done = new Set((await d.all<{ version: number }>(`SELECT version FROM dc_schema_version`)).map((r) => Number(r.version)));
  for (const m of DC_MIGRATIONS) {
    if (done.has(m.version)) continue;
    for (const s of m.sql) await d.run(s);
    // Two processes migrating at once: the second insert clashes harmlessly.
    await d.run(`INSERT INTO dc_schema_version (version, applied_at) VALUES (?, ?) ON CONFLICT (version) DO NOTHING`, [m.version, Date.now()]);
  }
}
