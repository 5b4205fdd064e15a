// The gateway: one poll loop per meter on the injected clock, housekeeping at the persist interval, the outbox
// drained to MQTT, commands answered. Meters are isolated: a failing meter raises its own alarm and never
// stalls the others. Everything a restart needs is in the store (docs/gateway-operation.md).
import { statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import type { Clock } from '../../drivers/clock.js';
import { TimeoutError, TransportError } from '../../drivers/errors.js';
import type { MeterIdentity, MeterSample } from '../../drivers/meter-driver.js';
import { keyFieldsOf, keyFieldChanges, type GatewayConfig } from '../config/gateway-config.js';
import type { IntervalRecord } from '../records/record-types.js';
import { loadOrCreateDeviceKey } from '../signing/device-key.js';
import { GatewayStore } from '../store/gateway-store.js';
import { AlarmManager, type AlarmEvent } from '../alarms/alarm-manager.js';
import { connectionOptions, redactUrl, statusPayload } from '../mqtt/connection-options.js';
import { OutboxPublisher } from '../mqtt/outbox-publisher.js';
import { handleCommand } from '../mqtt/command-handler.js';
import type { GatewayReply } from '../mqtt/command-types.js';
import { chargerIntervalReading, telemetryOf } from '../mqtt/telemetry.js';
import { topics } from '../mqtt/topics.js';
import { judgeClock, type ClockObservation } from './clock-watch.js';
import { MeterBus } from './meter-bus.js';
import { MeterRuntime } from './meter-runtime.js';
import { openCatalogMeter, type MeterOpener, type OpenedMeter } from './open-meter.js';
import { RecordWriter } from './record-writer.js';
import { resendIntervals, resendRecords } from './resend.js';
import { isStoreError, StorageWatch } from './storage-watch.js';

export const STORE_FILE = 'gateway.db';
const DAY = 86_400_000;
/** Free space below which storage-limit is raised. */
const MIN_FREE_BYTES = 64 * 1024 * 1024;
const REAL_TIMEOUT_FLOOR_MS = 2000;

export type GatewayEvent =
  | { type: 'reading'; meter: string; sample: MeterSample; registersKwh: Record<string, string> }
  | { type: 'meter-error'; meter: string; error: string }
  | { type: 'interval'; record: IntervalRecord }
  | { type: 'alarm'; alarm: AlarmEvent }
  | { type: 'mqtt'; state: 'connected' | 'disconnected' | 'error'; detail?: string }
  | { type: 'info'; message: string };

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
  client: MqttClient | null = null;
  publisher: OutboxPublisher | null = null;
  private readonly opened = new Map<string, OpenedMeter>();
  private running = false;
  private loops: Promise<void>[] = [];
  private stopSignal!: Promise<void>;
  private fireStop!: () => void;
  private clockObs: ClockObservation | null = null;
  private clockUnsync = false;
  private lastPruneMs = 0;
  /** Start-up checks could not be written (store full at start): retried at each housekeeping. */
  private startupPending = false;
  private readonly storage: StorageWatch;
  private readonly warned = new Set<string>();
  private readonly cfg: GatewayConfig;
  private readonly clock: Clock;
  private readonly mono: () => number;
  private readonly emit: (e: GatewayEvent) => void;

  constructor(private readonly o: GatewayOptions) {
    this.cfg = o.config;
    this.clock = o.clock;
    this.mono = o.monotonicMs ?? (() => o.clock.now());
    this.emit = o.onEvent ?? (() => {});
    this.store = GatewayStore.open(join(this.cfg.storePath, STORE_FILE));
    const key = loadOrCreateDeviceKey(this.cfg.keys.dir, this.cfg.keys.algorithm);
    this.writer = new RecordWriter(this.store, this.cfg.deviceId, key);
    this.alarms = new AlarmManager(this.store, this.writer);
    this.alarms.onChange((a) => {
      this.emit({ type: 'alarm', alarm: a });
      this.publisher?.kick();
    });
    this.meters = this.cfg.meters.map((m) => new MeterRuntime(m, this.cfg, this.store, this.writer, this.alarms));
    this.storage = new StorageWatch(this.alarms);
    this.stopSignal = new Promise((r) => (this.fireStop = r));
  }

  /** Checks made once at start: restart gap, key fields, clock plausibility. */
  private startupChecks(now: number): void {
    const alive = this.store.getMeta<{ atMs: number; clean: boolean }>('alive');
    const threshold = this.cfg.persistIntervalMs + 2 * this.cfg.pollIntervalMs;
    if (alive && now - alive.atMs > threshold) {
      this.alarms.pulse(
        'power-outage',
        null,
        `gateway was not running from ${new Date(alive.atMs).toISOString()} to ${new Date(now).toISOString()} ` +
          `(${Math.round((now - alive.atMs) / 1000)} s; ${alive.clean ? 'clean shutdown' : 'no clean shutdown: power loss or crash'})`,
        alive.atMs,
        now,
        now,
      );
    }
    this.store.setMeta('alive', { atMs: now, clean: false });
    const fields = keyFieldsOf(this.cfg);
    const before = this.store.lastKeyFields();
    if (!before) {
      this.store.recordKeyFields(now, fields);
    } else {
      const changes = keyFieldChanges(before, fields);
      if (changes.length) {
        this.store.transaction(() => {
          this.store.recordKeyFields(now, fields);
          const text = changes.map(([f, a, b]) => `${f}: ${a ?? '(none)'} -> ${b ?? '(none)'}`).join('; ');
          this.alarms.pulse('key-field-change', null, text, now, now, now);
          this.alarms.raise('proving-test-due', null, `key fields changed (${text}): a proving test is due`, now);
        });
      }
    }
    this.checkClock(now);
  }

  private tryStartupChecks(now: number): void {
    try {
      this.startupChecks(now);
      this.startupPending = false;
    } catch (err) {
      if (!isStoreError(err)) throw err;
      this.storage.failed(err, now);
      this.startupPending = true;
    }
  }

  private checkClock(now: number): void {
    const obs = { wallMs: now, monoMs: this.mono() };
    const v = judgeClock(this.clockObs, obs, Math.max(2000, this.cfg.pollIntervalMs));
    this.clockObs = obs;
    if (v.stepMs !== 0) {
      this.alarms.pulse('clock-stepped', null, `wall clock stepped ${v.stepMs > 0 ? '+' : ''}${v.stepMs} ms against the monotonic clock`, now, now, now);
    }
    if (v.unsynchronised && !this.clockUnsync) {
      this.alarms.raise('clock-unsynchronised', null, `wall clock reads ${new Date(now).toISOString()}, before any plausible time: not synchronised`, now);
    } else if (!v.unsynchronised && this.clockUnsync) {
      this.alarms.clear('clock-unsynchronised', null, 'wall clock plausible again', now);
    }
    this.clockUnsync = v.unsynchronised;
  }

  async start(): Promise<void> {
    this.running = true;
    this.tryStartupChecks(this.clock.now());
    const url = this.o.brokerUrl === undefined ? this.cfg.broker.url : this.o.brokerUrl;
    if (url !== null) this.startMqtt(url);
    this.loops = this.meters.map((m) => this.meterLoop(m));
    this.loops.push(this.housekeepingLoop());
  }

  private startMqtt(url: string): void {
    const dev = this.cfg.deviceId;
    const client = connect(url, { ...connectionOptions(dev, this.cfg.broker), queueQoSZero: false });
    this.client = client;
    this.publisher = new OutboxPublisher({ client, outbox: this.store.outbox, clock: this.clock });
    client.on('connect', () => {
      this.emit({ type: 'mqtt', state: 'connected', detail: redactUrl(url) });
      this.publishStatus();
      client.subscribe(topics.command(dev), { qos: 1 });
    });
    client.on('close', () => this.emit({ type: 'mqtt', state: 'disconnected' }));
    client.on('error', (e) => this.emit({ type: 'mqtt', state: 'error', detail: e.message }));
    client.on('message', (topic, payload) => {
      if (topic !== topics.command(dev)) return;
      client.publish(topics.reply(dev), JSON.stringify(this.command(payload.toString())), { qos: 1 });
    });
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

  /** Retained online status with the latest sealed seq: at connect and as the heartbeat (housekeeping). */
  private publishStatus(): void {
    const c = this.client;
    if (!c?.connected) return;
    const dev = this.cfg.deviceId;
    c.publish(topics.status(dev), statusPayload({ state: 'online', device: dev, at: new Date(this.clock.now()).toISOString(), version: '0.1.0', seq: this.writer.chain().seq }), { qos: 1, retain: true });
  }

  /** Queues the latest revision of stored intervals again (receivers deduplicate by record id). */
  resend(fromMs: number, toMs: number, meter?: string): number {
    const n = resendIntervals(this.store, this.cfg.deviceId, fromMs, toMs, meter, this.clock.now());
    this.publisher?.kick();
    return n;
  }

  /** Queues every stored record with fromSeq <= seq <= toSeq again, alarms included. */
  resendSeq(fromSeq: number, toSeq: number): { records: number; notStored: number } {
    const r = resendRecords(this.store, this.cfg.deviceId, fromSeq, toSeq, this.clock.now());
    this.publisher?.kick();
    return r;
  }

  /** Sleeps on the gateway clock; returns false when the gateway is stopping. */
  private async sleep(ms: number): Promise<boolean> {
    if (!this.running) return false;
    await Promise.race([this.clock.sleep(ms), this.stopSignal]);
    return this.running;
  }

  /** One user of a meter's connection at a time (reads that timed out but have not finished, the console's identify). */
  private readonly bus = new MeterBus();

  private async sampleWithTimeout(meterId: string, opened: OpenedMeter): Promise<MeterSample> {
    const { work } = await this.bus.start(meterId, () => opened.driver.sample());
    return this.withTimeout(work, 'complete a read');
  }

  /** The meter's identity read on the gateway's own connection, between two polls (commissioning from the console). */
  async identifyMeter(meterId: string): Promise<MeterIdentity> {
    const { work } = await this.bus.start(meterId, async () => {
      const opened = this.opened.get(meterId);
      if (!opened) throw new TransportError('meter-not-open', `meter ${meterId} has no open connection: it has not answered a poll yet`);
      return opened.driver.identify();
    });
    return this.withTimeout(work, 'report its identity');
  }

  /**
   * Bounds a meter operation by one poll interval of gateway time, but never less than REAL_TIMEOUT_FLOOR_MS of
   * real time: on a fast simulated clock the bus still needs its real wire time.
   */
  private async withTimeout<T>(work: Promise<T>, what: string, realFloorMs = REAL_TIMEOUT_FLOOR_MS): Promise<T> {
    const limit = Math.max(1000, this.cfg.pollIntervalMs * 0.9);
    let realTimer: NodeJS.Timeout | undefined;
    const timeout = Promise.all([
      this.clock.sleep(limit),
      new Promise<void>((r) => (realTimer = setTimeout(r, realFloorMs))),
    ]).then(() => {
      throw new TimeoutError('poll-timeout', `meter did not ${what} within ${limit} ms of gateway time (and ${realFloorMs} ms real)`);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(realTimer);
      timeout.catch(() => {});
    }
  }

  private async meterLoop(m: MeterRuntime): Promise<void> {
    const poll = this.cfg.pollIntervalMs;
    const opener = this.o.openMeter ?? openCatalogMeter;
    while (this.running) {
      const now0 = this.clock.now();
      // Polls land on multiples of the poll interval, so period boundaries get a reading of their own.
      if (!(await this.sleep(Math.ceil((now0 + 1) / poll) * poll - now0))) break;
      try {
        let opened = this.opened.get(m.m.id);
        if (!opened) {
          const opening = opener(m.m, this.clock);
          try {
            // Opening may start a simulator and a pty pair (demo): allow it more real time than a read.
            opened = await this.withTimeout(opening, 'open its connection', 15_000);
          } catch (err) {
            // A late open is closed when it completes, so no port or socket leaks.
            opening.then((o) => o.close(), () => {});
            throw err;
          }
          if (!this.running) {
            await opened.close();
            break;
          }
          this.opened.set(m.m.id, opened);
        }
        const sample = await this.sampleWithTimeout(m.m.id, opened);
        if (!this.running) break;
        const now = this.clock.now();
        this.checkClock(now);
        const res = m.onSample(sample, now, this.clockUnsync);
        this.storage.succeeded(now);
        this.afterRecords(m, res.closed);
        this.publishTelemetry(m, sample, res.lifetimeImportWh);
        this.emit({ type: 'reading', meter: m.m.id, sample, registersKwh: m.registersWh() });
        for (const w of m.warnings) if (!this.warned.has(w)) {
          this.warned.add(w);
          this.emit({ type: 'info', message: `warning: ${w}` });
        }
      } catch (err) {
        if (!this.running) break;
        if (isStoreError(err)) {
          // The meter answered; the store did not take it. Memory is back at the stored state: the next poll retries.
          this.storage.failed(err, this.clock.now());
          this.emit({ type: 'info', message: `store write failed (${err.code}): ${err.message}; the reading is counted at the next poll` });
          continue;
        }
        const e = err as Error;
        this.emit({ type: 'meter-error', meter: m.m.id, error: e.message });
        let closed: IntervalRecord[] = [];
        try {
          closed = m.onFailure(e, this.clock.now());
        } catch (storeErr) {
          if (!isStoreError(storeErr)) throw storeErr;
          this.storage.failed(storeErr, this.clock.now());
        }
        this.afterRecords(m, closed);
        // A transport that failed is reopened on the next poll.
        if (!(e instanceof TimeoutError)) {
          const o = this.opened.get(m.m.id);
          this.opened.delete(m.m.id);
          await o?.close().catch(() => {});
        }
      }
    }
  }

  private afterRecords(m: MeterRuntime, closed: IntervalRecord[]): void {
    for (const r of closed) {
      this.emit({ type: 'interval', record: r });
      if (m.m.role === 'charger' && r.channel === 'import' && r.period.resolution === 'PT30M' && this.client?.connected) {
        this.client.publish(
          topics.telemetry(this.cfg.deviceId),
          JSON.stringify({ device: this.cfg.deviceId, meter: m.m.id, role: m.m.role, at: r.period.end, readings: { [chargerIntervalReading(r.energyKwh, r.period.start).label]: Number(r.energyKwh) }, period: { start: r.period.start, end: r.period.end } }),
          { qos: 0 },
        );
      }
    }
    if (closed.length) this.publisher?.kick();
  }

  private publishTelemetry(m: MeterRuntime, s: MeterSample, lifetimeImportWh: bigint | null): void {
    // Only fresh reads are published, and only while connected (QoS 0 is never queued: no stale values later).
    if (!this.client?.connected) return;
    const t = telemetryOf(this.cfg.deviceId, m.m.id, m.m.role, s, lifetimeImportWh);
    this.client.publish(topics.telemetry(this.cfg.deviceId), JSON.stringify(t), { qos: 0 });
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
    if (this.startupPending) this.tryStartupChecks(now);
    this.store.transaction(() => {
      this.store.setMeta('alive', { atMs: now, clean: false });
      for (const m of this.meters) m.flush(now, 'periodic');
      for (const m of this.meters) {
        const s = m.lastSample;
        this.store.setMeterStatus({
          meter: m.m.id,
          at: m.lastOkMs ?? now,
          ok: m.lastError === null && s !== null,
          values: { registersKwh: m.registersWh(), powerW: s?.instant.powerW ?? null, voltageV: s?.instant.voltageV ?? null, error: m.lastError },
        });
      }
    });
    this.storage.succeeded(now);
    this.publishStatus();
    const { count } = this.store.outbox.backlog();
    const ob = this.cfg.outbox;
    if (count >= ob.alarmBacklog) this.alarms.raise('backlog-limit', null, `${count} messages waiting for the broker (alarm at ${ob.alarmBacklog}, limit ${ob.maxBacklog})`, now);
    else if (count < ob.alarmBacklog / 2) this.alarms.clear('backlog-limit', null, `${count} messages waiting`, now);
    if (count > ob.maxBacklog) {
      const t = this.store.outbox.trim(ob.maxBacklog);
      this.emit({ type: 'info', message: `outbox over ${ob.maxBacklog}: ${t.dropped} oldest delivery attempts dropped; the records stay in the store for a resend by seq range` });
    }
    this.checkStorage(now);
    if (now - this.lastPruneMs >= DAY) {
      this.lastPruneMs = now;
      const opens = this.meters.map((m) => m.oldestOpenPeriodMs()).filter((x): x is number => x !== null);
      this.store.prune(now, this.cfg.retention, opens.length ? Math.min(...opens) : null);
    }
  }

  private checkStorage(now: number): void {
    try {
      const fs = statfsSync(this.cfg.storePath);
      const free = fs.bavail * fs.bsize;
      const dbBytes = statSync(join(this.cfg.storePath, STORE_FILE)).size;
      if (free < MIN_FREE_BYTES) this.alarms.raise('storage-limit', null, `${Math.round(free / 1048576)} MiB free on the store's file system (store ${Math.round(dbBytes / 1048576)} MiB); below ${MIN_FREE_BYTES / 1048576} MiB`, now);
      else if (free > 2 * MIN_FREE_BYTES) this.alarms.clear('storage-limit', null, `${Math.round(free / 1048576)} MiB free`, now);
    } catch {
      // statfs is unavailable on some file systems; the limit is then not checked.
    }
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
    this.fireStop();
    await Promise.allSettled(this.loops);
    const now = this.clock.now();
    for (const m of this.meters) m.flush(now);
    this.store.setMeta('alive', { atMs: now, clean: true });
    this.publisher?.stop();
    if (this.client) {
      const c = this.client;
      if (c.connected) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 1000);
          c.publish(topics.status(this.cfg.deviceId), statusPayload({ state: 'offline', device: this.cfg.deviceId, at: new Date(now).toISOString() }), { qos: 1, retain: true }, () => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      // End with a DISCONNECT, not a dropped socket: on a drop the broker publishes the last will, whose retained
      // "offline" (no time: it was set at connect) would replace the one above that carries the stop time.
      const inFlight = () => Object.keys(c.outgoing).length > 0;
      if (c.connected && inFlight()) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 1000);
          c.once('outgoingEmpty', () => (clearTimeout(t), resolve()));
        });
      }
      await c.endAsync(!(c.connected && !inFlight())).catch(() => {});
    }
    for (const o of this.opened.values()) await o.close().catch(() => {});
    this.opened.clear();
    this.store.close();
  }
}
