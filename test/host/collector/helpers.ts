// Shared set-up for the collector tests: a temp SQLite store with registered simulated devices.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../host-cli/collector/sqlite-store.js';
import { newIdentity, SimDevice } from '../../../host-cli/collector/sim-device.js';
import type { CollectorStore } from '../../../host-cli/collector/store-types.js';

export async function tempSqlite(): Promise<{ store: SqliteStore; path: string; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-collector-'));
  const path = join(dir, 'c.sqlite');
  const store = new SqliteStore(path);
  await store.init();
  return { store, path, cleanup: async () => { await store.close().catch(() => undefined); rmSync(dir, { recursive: true, force: true }); } };
}

export async function registeredDevice(store: CollectorStore, name: string, alg: 'ES256' | 'EdDSA' = 'EdDSA', validFrom = 0): Promise<SimDevice> {
  const id = newIdentity(name, alg);
  await store.addKey({ device: name, kid: id.kid, alg, jwk: id.publicJwk, validFrom, validTo: null, source: 'test', addedAt: 0 });
  return new SimDevice(id);
}
