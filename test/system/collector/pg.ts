// A throw-away PostgreSQL schema per test run (127.0.0.1:5432, db test, user postgres, trust auth).
import { randomBytes } from 'node:crypto';
import { PgStore } from '../../../host-cli/collector/pg-store.js';

export const PG_BASE = process.env.AMSGATE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

export function uniqueSchema(tag: string): string {
  return `t_${tag}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export async function tempPg(tag: string): Promise<{ store: PgStore; url: string; cleanup: () => Promise<void> }> {
  const url = `${PG_BASE}?schema=${uniqueSchema(tag)}`;
  const store = new PgStore(url);
  await store.init();
  return {
    store,
    url,
    cleanup: async () => {
      await store.dropSchema();
      await store.close();
    },
  };
}
