// The gateway: one poll loop per meter on the injected clock, housekeeping at the persist interval, the outbox
// drained to MQTT, commands answered. Meters are isolated: a failing meter raises its own alarm and never
// stalls the others. Everything a restart needs is in the store (docs/gateway-operation.md).
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Clock } from '../../drivers/clock.js';
import type { MeterIdentity } from '../../drivers/meter-driver.js';
import { StopSignal } from '../../drivers/stop-signal.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { IntervalRecord } from '../records/record-types.js';
import { loadOrCreateDeviceKey } from '../signing/device-key.js';
import { GatewayStore } from '../store/gateway-store.js';
import { AlarmManager } from '../alarms/alarm-manager.js';
import type { OutboxPublisher } from '../mqtt/outbox-publisher.js';
import { handleCommand } from '../mqtt/command-handler.js';
import type { GatewayReply } from '../mqtt/command-types.js';
import { MeterRuntime } from './meter-runtime.js';
import { openCatalogMeter, type MeterOpener, type OpenedMeter } from './open-meter.js';
import { RecordWriter } from './record-writer.js';
import { resendIntervals, resendRecords } from './resend.js';
import { isStoreError, StorageWatch } from './storage-watch.js';
import { FaultMarker } from '../store/fault-marker.js';
import type { GatewayEvent } from './gateway-events.js';
import { ClockMonitor } from './clock-monitor.js';
import { startupChecks } from './startup-checks.js';
import { BoundedReads } from './bounded-read.js';
import { GatewayLink } from './gateway-link.js';
import { Housekeeping } from './housekeeping.js';
import { meterLoop, type MeterLoopDeps } from './meter-loop.js';
import { STORAGE_FAULT_FILE, STORE_FILE } from './store-file.js';

export { STORE_FILE } from './store-file.js';
export type { GatewayEvent } from './gateway-events.js';

export interface GatewayOptions {
  config: GatewayConfig;
  clock: Clock;
  /** Monotonic time in this clock's milliseconds (for clock-step detection); default: clock.now. */
  monotonicMs?: () => number;
  openMeter?: MeterOpener;
  /** Overrides config.broker.url (the embedded broker's real port). Null: no MQTT at all. */
  brokerUrl?: string | null;
  onEvent?: (e: GatewayEvent) => void;
}

export class Gateway {
  readonly store: GatewayStore;
  readonly alarms: AlarmManager;
  readonly writer: RecordWriter;
  readonly meters: MeterRuntime[];
  private readonly link: GatewayLink;
  private readonly opened = new Map<string, OpenedMeter>();
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly stopSignal = new StopSignal();
  private readonly clockMonitor: ClockMonitor;
  /** Start-up checks could not be written (store full at start): retried at each housekeeping. */
  private startupPending = false;
  private readonly storage: StorageWatch;
  private readonly housekeeper: Housekeeping;
  private readonly cfg: GatewayConfig;
  private readonly clock: Clock;
  private readonly emit: (e: GatewayEvent) => void;

  constructor(private readonly o: GatewayOptions) {
    this.cfg = o.config;
    this.clock = o.clock;
    this.reads = new BoundedReads(this.clock, this.cfg.pollIntervalMs);
    const mono = o.monotonicMs ?? (() => o.clock.now());
    this.emit = o.onEvent ?? (() => {});
    this.store = GatewayStore.open(join(this.cfg.storePath, STORE_FILE));
    const key = loadOrCreateDeviceKey(this.cfg.keys.dir, this.cfg.keys.algorithm);
    this.writer = new RecordWriter(this.store, this.cfg.deviceId, key);
    this.link = new GatewayLink({ cfg: this.cfg, clock: this.clock, store: this.store, writer: this.writer, emit: this.emit, command: (p) => this.command(p) });
    this.alarms = new AlarmManager(this.store, this.writer);
    this.alarms.onChange((a) => {
      this.emit({ type: 'alarm', alarm: a });
      this.link.kick();
    });
    this.meters = this.cfg.meters.map((m) => new MeterRuntime(m, this.cfg, this.store, this.writer, this.alarms));
    this.storage = new StorageWatch(this.alarms, FaultMarker.open(join(this.cfg.storePath, STORAGE_FAULT_FILE)));
    this.clockMonitor = new ClockMonitor(this.alarms, mono, Math.max(2000, this.cfg.pollIntervalMs), (fn) => this.store.transaction(fn));
    this.housekeeper = new Housekeeping({
      cfg: this.cfg,
      store: this.store,
      alarms: this.alarms,
      meters: this.meters,
      storage: this.storage,
      emit: this.emit,
      publishStatus: () => this.link.publishStatus(),
      retryStartup: (now) => {
        if (this.startupPending) this.tryStartupChecks(now);
      },
    });
  }

  get client(): MqttClient | null {
    return this.link.client;
  }

  get publisher(): OutboxPublisher | null {
    return this.link.publisher;
  }

  private tryStartupChecks(now: number): void {
    try {
      startupChecks(this.store, this.alarms, this.cfg, now);
      this.clockMonitor.check(now);
      this.startupPending = false;
    } catch (err) {
      if (!isStoreError(err)) throw err;
      this.storage.failed(err, now);
      this.startupPending = true;
    }
  }

  private readonly reads: BoundedReads;

  /** The meter's identity read on the gateway's own connection, between two polls (commissioning from the console). */
  identifyMeter(meterId: string): Promise<MeterIdentity> {
    return this.reads.identify(meterId, () => this.opened.get(meterId));
  }

  async start(): Promise<void> {
    this.running = true;
    this.tryStartupChecks(this.clock.now());
    const url = this.o.brokerUrl === undefined ? this.cfg.broker.url : this.o.brokerUrl;
    if (url !== null) this.link.start(url);
    const deps: MeterLoopDeps = {
      clock: this.clock,
      pollIntervalMs: this.cfg.pollIntervalMs,
      opener: this.o.openMeter ?? openCatalogMeter,
      opened: this.opened,
      reads: this.reads,
      clockMonitor: this.clockMonitor,
      storage: this.storage,
      emit: this.emit,
      warned: new Set<string>(),
      running: () => this.running,
      sleep: (ms) => this.sleep(ms),
      afterRecords: (m, closed) => this.afterRecords(m, closed),
      publishTelemetry: (m, s, wh) => this.link.publishTelemetry(m, s, wh),
    };
    this.loops = this.meters.map((m) => meterLoop(deps, m));
    this.loops.push(this.housekeepingLoop());
  }

  /** Answers one command (the payload of topics.command): docs/mqtt-topics.md "Commands and replies". */
  command(payload: string): GatewayReply {
    return handleCommand(payload, {
      deviceId: this.cfg.deviceId,
      nowMs: () => this.clock.now(),
      resend: (from, to, meter) => this.resend(from, to, meter),
      resendSeq: (from, to) => this.resendSeq(from, to),
      testAlarm: () => {
        const now = this.clock.now();
        this.alarms.pulse('test', null, 'test alarm requested on the command topic', now, now, now);
        return true;
      },
    });
  }

  /** Queues the latest revision of stored intervals again (receivers deduplicate by record id). */
  resend(fromMs: number, toMs: number, meter?: string): number {
    const n = resendIntervals(this.store, this.cfg.deviceId, fromMs, toMs, meter, this.clock.now());
    this.link.kick();
    return n;
  }

  /** Queues every stored record with fromSeq <= seq <= toSeq again, alarms included. */
  resendSeq(fromSeq: number, toSeq: number): { records: number; notStored: number } {
    const r = resendRecords(this.store, this.cfg.deviceId, fromSeq, toSeq, this.clock.now());
    this.link.kick();
    return r;
  }

  /** Sleeps on the gateway clock; returns false when the gateway is stopping. */
  private async sleep(ms: number): Promise<boolean> {
    if (!this.running) return false;
    await this.stopSignal.race(this.clock.sleep(ms));
    return this.running;
  }

  private afterRecords(m: MeterRuntime, closed: IntervalRecord[]): void {
    for (const r of closed) {
      this.emit({ type: 'interval', record: r });
      this.link.publishInterval(m, r);
    }
    if (closed.length) this.link.kick();
  }

  private async housekeepingLoop(): Promise<void> {
    const every = this.cfg.persistIntervalMs;
    while (this.running) {
      const now0 = this.clock.now();
      if (!(await this.sleep(Math.ceil((now0 + 1) / every) * every - now0))) break;
      try {
        this.housekeeping(this.clock.now());
      } catch (err) {
        if (isStoreError(err)) this.storage.failed(err, this.clock.now());
        this.emit({ type: 'info', message: `housekeeping failed: ${(err as Error).message}` });
      }
    }
  }

  /** Heartbeat, meter status, backlog and storage limits, retention. */
  housekeeping(now: number): void {
    this.housekeeper.run(now);
  }

  status(): { meters: { id: string; ok: boolean; lastOkMs: number | null; error: string | null; registersKwh: Record<string, string> }[]; backlog: number } {
    return {
      meters: this.meters.map((m) => ({ id: m.m.id, ok: m.lastError === null, lastOkMs: m.lastOkMs, error: m.lastError, registersKwh: m.registersWh() })),
      backlog: this.store.outbox.backlog().count,
    };
  }

  /** Graceful stop: loops end, memory is flushed, acks are stored, "offline" is published. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopSignal.fire();
    await Promise.allSettled(this.loops);
    const now = this.clock.now();
    for (const m of this.meters) m.flush(now);
    this.store.setMeta('alive', { atMs: now, clean: true });
    await this.link.stop(now);
    for (const o of this.opened.values()) await o.close().catch(() => {});
    this.opened.clear();
    this.store.close();
  }
}
