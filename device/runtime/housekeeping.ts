// Housekeeping at the persist interval: heartbeat, periodic readings of all meters and their status in one
// transaction, backlog and storage limits, retention once a day.
import { statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { GatewayStore } from '../store/gateway-store.js';
import type { AlarmManager } from '../alarms/alarm-manager.js';
import type { MeterRuntime } from './meter-runtime.js';
import type { StorageWatch } from './storage-watch.js';
import type { Emit } from './gateway-events.js';
import { STORE_FILE } from './store-file.js';

const DAY = 86_400_000;
/** Free space below which storage-limit is raised. */
const MIN_FREE_BYTES = 64 * 1024 * 1024;

export interface HousekeepingDeps {
  cfg: GatewayConfig;
  store: GatewayStore;
  alarms: AlarmManager;
  meters: MeterRuntime[];
  storage: StorageWatch;
  emit: Emit;
  publishStatus(): void;
  /** Retries start-up checks that could not be written (store full at start). */
  retryStartup(now: number): void;
}

export class Housekeeping {
  private lastPruneMs = 0;

  constructor(private readonly d: HousekeepingDeps) {}

  /** Heartbeat, meter status, backlog and storage limits, retention. */
  run(now: number): void {
    const { store, cfg, alarms } = this.d;
    this.d.retryStartup(now);
    store.transaction(() => {
      store.setMeta('alive', { atMs: now, clean: false });
      for (const m of this.d.meters) m.flush(now, 'periodic');
      for (const m of this.d.meters) {
        const s = m.lastSample;
        store.setMeterStatus({
          meter: m.m.id,
          at: m.lastOkMs ?? now,
          ok: m.lastError === null && s !== null,
          values: { registersKwh: m.registersWh(), powerW: s?.instant.powerW ?? null, voltageV: s?.instant.voltageV ?? null, error: m.lastError },
        });
      }
    });
    this.d.storage.succeeded(now);
    this.d.publishStatus();
    const { count } = store.outbox.backlog();
    const ob = cfg.outbox;
    if (count >= ob.alarmBacklog) alarms.raise('backlog-limit', null, `${count} messages waiting for the broker (alarm at ${ob.alarmBacklog}, limit ${ob.maxBacklog})`, now);
    else if (count < ob.alarmBacklog / 2) alarms.clear('backlog-limit', null, `${count} messages waiting`, now);
    if (count > ob.maxBacklog) {
      const t = store.outbox.trim(ob.maxBacklog);
      this.d.emit({ type: 'info', message: `outbox over ${ob.maxBacklog}: ${t.dropped} oldest delivery attempts dropped; the records stay in the store for a resend by seq range` });
    }
    this.checkStorage(now);
    if (now - this.lastPruneMs >= DAY) {
      this.lastPruneMs = now;
      const opens = this.d.meters.map((m) => m.oldestOpenPeriodMs()).filter((x): x is number => x !== null);
      store.prune(now, cfg.retention, opens.length ? Math.min(...opens) : null);
    }
  }

  private checkStorage(now: number): void {
    const { cfg, alarms } = this.d;
    try {
      const fs = statfsSync(cfg.storePath);
      const free = fs.bavail * fs.bsize;
      const dbBytes = statSync(join(cfg.storePath, STORE_FILE)).size;
      if (free < MIN_FREE_BYTES) alarms.raise('storage-limit', null, `${Math.round(free / 1048576)} MiB free on the store's file system (store ${Math.round(dbBytes / 1048576)} MiB); below ${MIN_FREE_BYTES / 1048576} MiB`, now);
      else if (free > 2 * MIN_FREE_BYTES) alarms.clear('storage-limit', null, `${Math.round(free / 1048576)} MiB free`, now);
    } catch {
      // statfs is unavailable on some file systems; the limit is then not checked.
    }
  }
}
