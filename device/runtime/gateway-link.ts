// The gateway's MQTT side: connection, retained status (online at connect and as heartbeat, offline with its time
// at a clean stop), telemetry, commands answered, the outbox publisher.
import { connect, type MqttClient } from 'mqtt';
import type { Clock } from '../../drivers/clock.js';
import type { MeterSample } from '../../drivers/meter-driver.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { IntervalRecord } from '../records/record-types.js';
import type { GatewayStore } from '../store/gateway-store.js';
import { connectionOptions, redactUrl, statusPayload } from '../mqtt/connection-options.js';
import { OutboxPublisher } from '../mqtt/outbox-publisher.js';
import type { GatewayReply } from '../mqtt/command-types.js';
import { chargerIntervalReading, telemetryOf } from '../mqtt/telemetry.js';
import { topics } from '../mqtt/topics.js';
import type { RecordWriter } from './record-writer.js';
import type { MeterRuntime } from './meter-runtime.js';
import type { Emit } from './gateway-events.js';

export interface LinkDeps {
  cfg: GatewayConfig;
  clock: Clock;
  store: GatewayStore;
  writer: RecordWriter;
  emit: Emit;
  command(payload: string): GatewayReply;
}

export class GatewayLink {
  client: MqttClient | null = null;
  publisher: OutboxPublisher | null = null;

  constructor(private readonly d: LinkDeps) {}

  start(url: string): void {
    const dev = this.d.cfg.deviceId;
    const client = connect(url, { ...connectionOptions(dev, this.d.cfg.broker), queueQoSZero: false });
    this.client = client;
    this.publisher = new OutboxPublisher({ client, outbox: this.d.store.outbox, clock: this.d.clock });
    client.on('connect', () => {
      this.d.emit({ type: 'mqtt', state: 'connected', detail: redactUrl(url) });
      this.publishStatus();
      client.subscribe(topics.command(dev), { qos: 1 });
    });
    client.on('close', () => this.d.emit({ type: 'mqtt', state: 'disconnected' }));
    client.on('error', (e) => this.d.emit({ type: 'mqtt', state: 'error', detail: e.message }));
    client.on('message', (topic, payload) => {
      if (topic !== topics.command(dev)) return;
      client.publish(topics.reply(dev), JSON.stringify(this.d.command(payload.toString())), { qos: 1 });
    });
  }

  kick(): void {
    this.publisher?.kick();
  }

  /** Retained online status with the latest sealed seq: at connect and as the heartbeat (housekeeping). */
  publishStatus(): void {
    const c = this.client;
    if (!c?.connected) return;
    const dev = this.d.cfg.deviceId;
    c.publish(topics.status(dev), statusPayload({ state: 'online', device: dev, at: new Date(this.d.clock.now()).toISOString(), version: '0.1.0', seq: this.d.writer.chain().seq }), { qos: 1, retain: true });
  }

  /** A charger's sealed half-hour goes out as telemetry too (QoS 0, only while connected). */
  publishInterval(m: MeterRuntime, r: IntervalRecord): void {
    if (m.m.role === 'charger' && r.channel === 'import' && r.period.resolution === 'PT30M' && this.client?.connected) {
      this.client.publish(
        topics.telemetry(this.d.cfg.deviceId),
        JSON.stringify({ device: this.d.cfg.deviceId, meter: m.m.id, role: m.m.role, at: r.period.end, readings: { [chargerIntervalReading(r.energyKwh, r.period.start).label]: Number(r.energyKwh) }, period: { start: r.period.start, end: r.period.end } }),
        { qos: 0 },
      );
    }
  }

  publishTelemetry(m: MeterRuntime, s: MeterSample, lifetimeImportWh: bigint | null): void {
    // Only fresh reads are published, and only while connected (QoS 0 is never queued: no stale values later).
    if (!this.client?.connected) return;
    const t = telemetryOf(this.d.cfg.deviceId, m.m.id, m.m.role, s, lifetimeImportWh);
    this.client.publish(topics.telemetry(this.d.cfg.deviceId), JSON.stringify(t), { qos: 0 });
  }

  /** Stops the publisher, publishes "offline" with the stop time and disconnects cleanly. */
  async stop(now: number): Promise<void> {
    this.publisher?.stop();
    if (!this.client) return;
    const c = this.client;
    if (c.connected) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 1000);
        c.publish(topics.status(this.d.cfg.deviceId), statusPayload({ state: 'offline', device: this.d.cfg.deviceId, at: new Date(now).toISOString() }), { qos: 1, retain: true }, () => {
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
}
