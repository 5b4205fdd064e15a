// Where a proving test finds the interval the instation received: the collector's store (what settlement
// sees) or, failing that, the gateway's own store (what it sent).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../drivers/errors.js';
import type { Channel } from '../../device/records/record-types.js';
import { GatewayStore } from '../../device/store/gateway-store.js';
import { unreadableStore } from '../../device/store/open-database.js';
import { STORE_FILE } from '../../device/runtime/gateway.js';
import { openStore } from '../collector/open-store.js';
import type { ReceivedInterval } from './proving-test.js';

export interface IntervalQuery {
  device: string;
  meter: string;
  channel: Channel;
  periodStartMs: number;
}

/** Latest PT30M revision for the period from a collector store (SQLite path or postgres:// URL). */
export async function fromCollector(db: string, q: IntervalQuery): Promise<ReceivedInterval | null> {
  const store = await openStore(db);
  try {
    const rows = (await store.intervals({ device: q.device, fromMs: q.periodStartMs, toMs: q.periodStartMs + 1 })).filter(
      (r) => r.payload.meter.id === q.meter && r.payload.channel === q.channel && r.payload.period.resolution === 'PT30M',
    );
    const latest = rows.sort((a, b) => b.payload.revision - a.payload.revision)[0];
    return latest
      ? { id: latest.id, energyWh: latest.payload.energyWh, revision: latest.payload.revision, quality: latest.payload.quality, source: `collector ${db.replace(/\/\/[^@/]*@/, '//')}` }
      : null;
  } finally {
    await store.close();
  }
}

/** Latest PT30M revision for the period from the gateway's store directory. */
export function fromGateway(storePath: string, q: IntervalQuery): ReceivedInterval | null {
  const file = join(storePath, STORE_FILE);
  if (!existsSync(file)) {
    throw new ConfigError('no-store', `no gateway store at ${file}; run prove on the gateway (its storePath), or give the collector's store with --collector-db`);
  }
  const store = GatewayStore.open(file, { readonly: true });
  try {
    const row = store
      .latestIntervals(q.periodStartMs, q.periodStartMs + 1, q.meter)
      .find((r) => r.channel === q.channel && r.resolution === 'PT30M');
    return row ? { id: row.recordId, energyWh: Number(row.energyWh), revision: row.revision, quality: row.quality, source: `gateway store ${file}` } : null;
  } catch (err) {
    throw unreadableStore(err, file);
  } finally {
    store.close();
  }
}
