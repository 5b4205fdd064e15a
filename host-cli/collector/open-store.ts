// Picks the backend from --db: postgres://... (or postgresql://) for PostgreSQL, anything else is a SQLite path.
import { ConfigError } from '../../drivers/errors.js';
import type { CollectorStore } from './store-types.js';

export async function openStore(db: string): Promise<CollectorStore> {
  if (!db) throw new ConfigError('no-db', '--db is required: a SQLite file path (e.g. collector.sqlite) or postgres://user@host/db');
  let store: CollectorStore;
  if (/^postgres(ql)?:\/\//.test(db)) {
    const { PgStore } = await import('./pg-store.js');
    store = new PgStore(db);
  } else {
    const { SqliteStore } = await import('./sqlite-store.js');
    store = new SqliteStore(db);
  }
  await store.init();
  return store;
}
