// The fleet bench's view of the collector store, PostgreSQL (a throw-away schema) or SQLite (a temp file): the URL
// each collector gets, bulk key registration, and the store the final checks read.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PgStore } from '../../host-cli/collector/pg-store.js';
import { SqliteStore } from '../../host-cli/collector/sqlite-store.js';
import type { CollectorStore, RegisteredKey } from '../../host-cli/collector/store-types.js';

export interface BenchStore {
  kind: 'postgres' | 'sqlite';
  store: CollectorStore;
  /** The --db a collector process gets; `name` tags its PostgreSQL sessions (application_name) for CPU accounting. */
  dbFor(name: string): string;
  registerKeys(keys: RegisteredKey[]): Promise<void>;
  /** Records stored so far: one cheap query (the progress poll), not the full counts. */
  stored(): Promise<number>;
  cleanup(): Promise<void>;
}

export async function openBenchStore(kind: 'postgres' | 'sqlite', pgBase: string, run: string): Promise<BenchStore> {
  return kind === 'postgres' ? openPg(pgBase, run) : openSqlite();
}

async function openPg(pgBase: string, run: string): Promise<BenchStore> {
  const schema = `bench_fleet_${run}`;
  const sep = pgBase.includes('?') ? '&' : '?';
  const db = `${pgBase}${sep}schema=${schema}`;
  const store = new PgStore(`${db}&application_name=fleet-${run}-bench`, 2);
  await store.init();
  const raw = new pg.Client({ connectionString: pgBase, application_name: `fleet-${run}-bench`, options: `-c search_path=${schema}` });
  await raw.connect();
  return {
    kind: 'postgres',
    store,
    dbFor: (name) => `${db}&application_name=fleet-${run}-${name}`,
    registerKeys: async (keys) => {
      for (let i = 0; i < keys.length; i += 1000) {
        const part = keys.slice(i, i + 1000);
        const vals: unknown[] = [];
        const tuples = part.map((k, j) => {
          vals.push(k.device, k.kid, k.alg, JSON.stringify(k.jwk), k.validFrom, k.source, k.addedAt);
          return `(${[1, 2, 3, 4, 5, 6, 7].map((c) => `$${j * 7 + c}`).join(',')})`;
        });
        await raw.query(`INSERT INTO device_keys (device, kid, alg, jwk, valid_from, source, added_at) VALUES ${tuples.join(',')}`, vals);
      }
    },
    stored: async () => Number((await raw.query<{ n: string }>('SELECT COUNT(*) AS n FROM records')).rows[0]!.n),
    cleanup: async () => {
      await raw.end().catch(() => undefined);
      await (store as PgStore).dropSchema().catch(() => undefined);
      await store.close();
    },
  };
}

async function openSqlite(): Promise<BenchStore> {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-fleet-'));
  const path = join(dir, 'collector.sqlite');
  const store = new SqliteStore(path);
  await store.init();
  const raw = new Database(path);
  raw.pragma('busy_timeout = 5000');
  return {
    kind: 'sqlite',
    store,
    dbFor: () => path,
    registerKeys: async (keys) => {
      const stmt = raw.prepare(`INSERT INTO device_keys (device, kid, alg, jwk, valid_from, source, added_at) VALUES (?,?,?,?,?,?,?)`);
      raw.transaction(() => { for (const k of keys) stmt.run(k.device, k.kid, k.alg, JSON.stringify(k.jwk), k.validFrom, k.source, k.addedAt); })();
    },
    stored: async () => (raw.prepare('SELECT COUNT(*) AS n FROM records').get() as { n: number }).n,
    cleanup: async () => {
      raw.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
