// Talks to the gateway over the Settlement Instation's broker exactly as a head-end would: a ping/pong round
// trip on the command topic, and a test alarm that must come back as a signed alarm record.
import { randomUUID, type KeyObject } from 'node:crypto';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Clock } from '../../drivers/clock.js';
import type { GatewayCommand, GatewayReply } from '../../device/mqtt/command-types.js';
import { topics } from '../../device/mqtt/topics.js';
import type { AlarmRecord } from '../../device/records/record-types.js';
import { decodeCompactUnverified, verifyCompact } from '../../device/signing/jws.js';

export interface PingResult {
  sentMs: number;
  replyMs: number;
  gatewayMs: number;
  device: string;
}

export interface TestAlarmResult {
  replied: boolean;
  raised: boolean;
  /** The signed 'test' alarm records that arrived (raised, and cleared when seen). */
  records: { state: string; seq: number; id: string; signature: 'verified' | 'not-checked' | 'bad'; compact: string }[];
}

export class InstationProbe {
  private constructor(
    private readonly client: MqttClient,
    private readonly device: string,
    private readonly clock: Clock,
  ) {}

  /** Connects (MQTT 3.1.1, clean session, a throwaway client id); rejects after timeoutMs. */
  static async connect(url: string, device: string, clock: Clock, options: IClientOptions = {}, timeoutMs = 10_000): Promise<InstationProbe> {
    const client = connect(url, {
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: timeoutMs,
      ...options,
      clientId: `amsgate-commission-${randomUUID().slice(0, 8)}`,
    });
    // One 'error' listener for the client's whole life: a second error (a reset after a refused connect, the broker
    // going away while the probe is open) would otherwise be an unhandled 'error' event and end the process.
    // Errors that matter reject below (connect) or show as a missing reply (ping, test alarm).
    client.on('error', () => {});
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`no CONNACK from ${url} within ${timeoutMs} ms`)), timeoutMs);
        const done = (e?: Error): void => {
          clearTimeout(timer);
          client.off('connect', onConnect);
          client.off('error', onError);
          if (e) reject(e);
          else resolve();
        };
        const onConnect = (): void => done();
        const onError = (e: Error): void => done(e);
        client.on('connect', onConnect);
        client.on('error', onError);
      });
      await client.subscribeAsync([topics.reply(device), topics.alarm(device)], { qos: 1 });
    } catch (err) {
      // Ended here whatever failed (CONNACK, SUBACK): no client is left reconnecting or holding a socket.
      await client.endAsync(true).catch(() => {});
      throw err;
    }
    return new InstationProbe(client, device, clock);
  }

  private waitFor<T>(match: (topic: string, payload: string) => T | undefined, timeoutMs: number): Promise<T | null> {
    return new Promise((resolve) => {
      const onMsg = (topic: string, payload: Buffer): void => {
        const r = match(topic, payload.toString());
        if (r !== undefined) done(r);
      };
      const done = (r: T | null): void => {
        clearTimeout(timer);
        this.client.off('message', onMsg);
        resolve(r);
      };
      const timer = setTimeout(() => done(null), timeoutMs);
      this.client.on('message', onMsg);
    });
  }

  private send(cmd: GatewayCommand): void {
    this.client.publish(topics.command(this.device), JSON.stringify(cmd), { qos: 1 });
  }

  private replyTo(id: string) {
    return (topic: string, payload: string): GatewayReply | undefined => {
      if (topic !== topics.reply(this.device)) return undefined;
      try {
        const r = JSON.parse(payload) as GatewayReply;
        return r.id === id ? r : undefined;
      } catch {
        return undefined;
      }
    };
  }

  /** Ping round trip; null when no pong arrives in time. */
  async ping(timeoutMs = 10_000): Promise<PingResult | null> {
    const id = randomUUID();
    const sentMs = this.clock.now();
    const wait = this.waitFor(this.replyTo(id), timeoutMs);
    this.send({ id, type: 'ping', sentAt: new Date(sentMs).toISOString() });
    const r = await wait;
    if (!r || r.type !== 'pong') return null;
    return { sentMs, replyMs: this.clock.now(), gatewayMs: Date.parse(r.receivedAt), device: r.device };
  }

  /**
   * Asks for a test alarm and waits for the reply and the signed 'test' alarm record(s). With a key the
   * records' signatures are verified.
   */
  async testAlarm(key: KeyObject | null, timeoutMs = 15_000): Promise<TestAlarmResult> {
    const id = randomUUID();
    const records: TestAlarmResult['records'] = [];
    let reply: GatewayReply | null = null;
    const replyMatch = this.replyTo(id);
    const all = this.waitFor<true>((topic, payload) => {
      const r = replyMatch(topic, payload);
      if (r) reply = r;
      if (topic === topics.alarm(this.device)) {
        try {
          const { payload: p } = decodeCompactUnverified(payload);
          const a = p as AlarmRecord;
          if (a.type === 'alarm' && a.alarm === 'test') {
            let signature: 'verified' | 'not-checked' | 'bad' = 'not-checked';
            if (key) {
              try {
                verifyCompact(payload, key);
                signature = 'verified';
              } catch {
                signature = 'bad';
              }
            }
            records.push({ state: a.state, seq: a.seq, id: a.id, signature, compact: payload });
          }
        } catch {
          // not a record: ignore
        }
      }
      // Done once the reply and both edges (raised, cleared) are in.
      return reply && records.some((x) => x.state === 'raised') && records.some((x) => x.state === 'cleared') ? true : undefined;
    }, timeoutMs);
    this.send({ id, type: 'test-alarm' });
    await all;
    const rep = reply as GatewayReply | null;
    return { replied: rep !== null, raised: rep !== null && rep.type === 'test-alarm' && rep.raised, records };
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
