// Online/offline of every gateway from its retained status topic (the last will sets "offline"), kept in memory.
import mqtt from 'mqtt';
import { deviceOfTopic, topics, TOPIC_ROOT } from '../../device/mqtt/topics.js';
import type { DeviceStatus } from './fleet-queries.js';

export class StatusWatch {
  readonly statuses = new Map<string, DeviceStatus>();
  private constructor(private readonly client: mqtt.MqttClient | null) {}

  /** Null broker: no watching, every device shows "unknown". */
  static async start(broker: string | null): Promise<StatusWatch> {
    if (!broker) return new StatusWatch(null);
    const client = await mqtt.connectAsync(broker, { protocolVersion: 4, clean: true, connectTimeout: 10_000, clientId: `amsgate-fleet-console-${process.pid}` });
    const w = new StatusWatch(client);
    client.on('message', (topic, payload) => {
      const device = deviceOfTopic(topic);
      if (!device || topic !== topics.status(device)) return;
      try {
        const s = JSON.parse(payload.toString()) as { state?: string; at?: string };
        if (s.state === 'online' || s.state === 'offline') w.statuses.set(device, { state: s.state, at: s.at ?? null });
      } catch {
        // A status that is not JSON is not ours: ignored.
      }
    });
    await client.subscribeAsync(`${TOPIC_ROOT}/+/status`, { qos: 1 });
    return w;
  }

  async close(): Promise<void> {
    await this.client?.endAsync();
  }
}
