// Where an export's intervals come from, checked before anything is built: a --db that is not a collector store, a
// --device the store does not know and an empty or reversed --from/--to are usage errors (exit 2), never an empty
// export with exit 0.
import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseConfig, type MeterConfig } from '../../device/config/gateway-config.js';
import type { IntervalRecord } from '../../device/records/record-types.js';
import { ConfigError } from '../../drivers/errors.js';
import { openStore } from '../collector/open-store.js';
import type { CollectorStore } from '../collector/store-types.js';
import { latestRevisions } from './intervals.js';

export interface ExportRange {
  fromMs?: number;
  toMs?: number;
}

export function checkRange(r: ExportRange, fromText = '--from', toText = '--to'): void {
  if (r.fromMs !== undefined && r.toMs !== undefined && !(r.fromMs < r.toMs)) {
    throw new ConfigError('bad-range', `${fromText} ${new Date(r.fromMs).toISOString()} is not before ${toText} ${new Date(r.toMs).toISOString()}; --to is exclusive and must come after --from`);
  }
}

/** Opens an existing collector store; refuses a path that does not exist or a store that holds nothing. */
export async function openExistingStore(db: string): Promise<CollectorStore> {
  const isPg = /^postgres(ql)?:\/\//.test(db);
  if (!isPg && !existsSync(db)) {
    throw new ConfigError('no-store', `--db ${db}: no such file; expected the collector's SQLite store (the --db given to amsgate collect) or a postgres:// URL`);
  }
  let store: CollectorStore;
  try {
    store = await openStore(db);
  } catch (e) {
    if (e instanceof ConfigError || isPg) throw e;
    throw new ConfigError('not-a-store', `--db ${db} is not a collector store (${(e as Error).message})`);
  }
  const [counts, keys] = await Promise.all([store.counts(), store.listKeys()]);
  if (counts.records === 0 && keys.length === 0) {
    await store.close();
    throw new ConfigError('empty-store', `--db ${db} holds no devices and no records; is it the collector's store?`);
  }
  return store;
}

/** Fails unless the store knows the device (a registered key or a stored record). */
export async function checkDevice(store: CollectorStore, device: string): Promise<void> {
  if ((await store.listKeys(device)).length > 0) return;
  if ((await store.intervals({ device })).length > 0) return;
  const known = [...new Set((await store.listKeys()).map((k) => k.device))].sort();
  throw new ConfigError('unknown-device', `--device ${device} is not known to this store; known devices: ${known.join(', ') || '(none registered)'}`);
}

/** The latest revision of every interval in range, after the checks above. */
export async function loadExportIntervals(db: string, device: string | undefined, range: ExportRange): Promise<IntervalRecord[]> {
  checkRange(range);
  const store = await openExistingStore(db);
  try {
    if (device !== undefined) await checkDevice(store, device);
    const rows = await store.intervals({ device, ...range });
    return latestRevisions(rows.map((r) => r.payload));
  } finally {
    await store.close();
  }
}

/** "device/meter" -> the meter's configuration, from gateway configuration files (.json, .yaml, .yml). */
export function metersFromGatewayConfigs(paths: string[]): Map<string, MeterConfig> {
  const out = new Map<string, MeterConfig>();
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new ConfigError('config-unreadable', `--gateway-config ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    let input: unknown;
    try {
      input = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
    } catch (e) {
      throw new ConfigError('config-syntax', `--gateway-config ${path} is not valid JSON/YAML: ${(e as Error).message}`);
    }
    // The head-end does not hold the gateway's broker password or TLS files: do not ask for them.
    const cfg = parseConfig(input, path, { checkFiles: false });
    for (const m of cfg.meters) out.set(`${cfg.deviceId}/${m.id}`, m);
  }
  return out;
}

/** "device/meter" -> meters[].role, from gateway configuration files. */
export function rolesFromGatewayConfigs(paths: string[]): Record<string, string> {
  return Object.fromEntries([...metersFromGatewayConfigs(paths)].map(([k, m]) => [k, m.role]));
}
