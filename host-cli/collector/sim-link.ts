// The MQTT side of simulated gateways, for the collector's system tests and the fleet bench: publishes their signed
// records at QoS 1, keeps every record (a gateway's store), announces each device's latest seq in a retained status
// (the heartbeat), and answers resend commands by sequence range, as a gateway does (docs/mqtt-topics.md).
import mqtt, { type MqttClient } from 'mqtt';
import { deviceOfTopic, topics } from '../../device/mqtt/topics.js';
import { decodeCompactUnverified } from '../../device/signing/jws.js';

export class SimLink {
  private client: MqttClient | null = null;
  /** Per device, compact strings by seq. */
  private readonly records = new Map<string, Map<number, string>>();
  /** Commands answered and records re-published because of them. */
  resendCommands = 0;
  resentRecords = 0;

  constructor(private readonly url: string, private readonly clientId = `amsgate-simlink-${process.pid}-${Date.now().toString(36)}`) {}

  async connect(): Promise<void> {
    const c = await mqtt.connectAsync(this.url, { clientId: this.clientId, clean: true, protocolVersion: 5, reconnectPeriod: 500 });
    this.client = c;
    c.on('message', (topic, payload) => void this.onCommand(topic, payload.toString()));
    await c.subscribeAsync(`amsgate/v1/+/cmd`, { qos: 1 });
  }

  /** Publishes one sealed record (and remembers it); resolves on PUBACK. */
  async publish(compact: string): Promise<void> {
    const { payload } = decodeCompactUnverified(compact);
    const p = payload as { dev: string; seq: number; type: 'interval' | 'alarm' };
    let m = this.records.get(p.dev);
    if (!m) this.records.set(p.dev, (m = new Map()));
    m.set(p.seq, compact);
    await this.client!.publishAsync(p.type === 'interval' ? topics.interval(p.dev) : topics.alarm(p.dev), compact, { qos: 1 });
  }

  /** The heartbeat: a retained online status carrying each device's latest seq. */
  async heartbeat(): Promise<void> {
    const c = this.client!;
    await Promise.all(
      [...this.records].map(([dev, m]) =>
        c.publishAsync(topics.status(dev), JSON.stringify({ state: 'online', device: dev, at: new Date().toISOString(), seq: Math.max(...m.keys()) }), { qos: 1, retain: true }),
      ),
    );
  }

  /** Clears the retained status of every device (so a shared broker does not keep them). */
  async close(): Promise<void> {
    const c = this.client;
    if (!c) return;
    await Promise.all([...this.records.keys()].map((dev) => c.publishAsync(topics.status(dev), '', { qos: 1, retain: true })));
    await c.endAsync();
  }

  private async onCommand(topic: string, text: string): Promise<void> {
    const dev = deviceOfTopic(topic);
    const m = dev === null ? undefined : this.records.get(dev);
    if (!m || dev === null) return;
    let cmd: { id?: string; type?: string; fromSeq?: number; toSeq?: number };
    try {
      cmd = JSON.parse(text) as typeof cmd;
    } catch {
      return;
    }
    if (cmd.type !== 'resend' || typeof cmd.fromSeq !== 'number' || typeof cmd.toSeq !== 'number') return;
    this.resendCommands++;
    let n = 0;
    for (let s = cmd.fromSeq; s <= cmd.toSeq; s++) {
      const compact = m.get(s);
      if (!compact) continue;
      n++;
      this.resentRecords++;
      const type = compact && (decodeCompactUnverified(compact).payload as { type: string }).type;
      void this.client!.publishAsync(type === 'interval' ? topics.interval(dev) : topics.alarm(dev), compact, { qos: 1 });
    }
    await this.client!.publishAsync(topics.reply(dev), JSON.stringify({ id: cmd.id, type: 'resend', records: n }), { qos: 1 });
  }
}
