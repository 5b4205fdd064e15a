// The head-end collector daemon: a shared MQTT subscription to the fleet's signed records, verification, batched
// storage, and a PUBACK for each message only after the transaction holding it (record or rejection) has committed.
//
// mqtt.js (5.16) handles incoming packets one at a time: the next PUBLISH is not parsed until the PUBACK of the
// previous one has been written. Acknowledging after each commit would therefore cost one database commit per
// message. Instead ("deferred" mode) handleMessage queues the message and returns at once, and the PUBACK that
// mqtt.js then writes through its internal _sendPacket is held back (the packet pipeline goes on) until the batch
// is committed; held PUBACKs go out in arrival order, as MQTT requires. If the connection drops, held PUBACKs are
// discarded: the broker redelivers those messages (persistent session) and storage is idempotent. When _sendPacket
// is not there (another mqtt.js), "serial" mode acks through handleMessage's callback after each commit.
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import { deviceOfTopic, shared, TOPIC_ROOT, topics } from '../../device/mqtt/topics.js';
import { systemClock, type Clock } from '../../drivers/clock.js';
import { KeyRing } from './key-ring.js';
import type { CollectorStore, Rejection, RejectReason, VerifiedRecord } from './store-types.js';
import { verifyMessage } from './verify-message.js';

export interface CollectorOptions {
  broker: string;
  store: CollectorStore;
  group?: string;
  clientId?: string;
  /** 5 for Mosquitto (default); 4 (3.1.1) for brokers such as aedes. */
  protocolVersion?: 4 | 5;
  /** Use a shared subscription ($share/<group>/...); default true. */
  shared?: boolean;
  batchSize?: number;
  flushMs?: number;
  keyRefreshMs?: number;
  ackMode?: 'deferred' | 'serial';
  clock?: Clock;
  log?: (event: Record<string, unknown>) => void;
  /** Session expiry for MQTT v5 persistent sessions, seconds (default 7 days). */
  sessionExpiry?: number;
  /** Connection attempts before start() gives up (default 5); once connected, reconnection never stops. */
  connectAttempts?: number;
  /** Reconnect back-off: first delay and ceiling, ms (default 1 s, 30 s). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Replies to commands (resend) on amsgate/v1/+/reply, for the recovery loop. */
  onReply?: (device: string, reply: unknown) => void;
}

/** Plain (not shared) subscriptions: every collector sees every gateway's status and every reply. */
const STATUS_TOPIC = `${TOPIC_ROOT}/+/status`;

export interface CollectorStats {
  received: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  byReason: Partial<Record<RejectReason, number>>;
  batches: number;
  storeErrors: number;
  acked: number;
  /** Status/heartbeat messages read for the chain tail. */
  statuses: number;
}

interface Pending {
  topic: string;
  payload: Buffer;
  qos: number;
  messageId: number | undefined;
  gen: number;
  receivedAt: number;
  puback?: unknown;
  ack?: () => void;
}

type SendPacket = (packet: { cmd: string; messageId?: number }, cb?: (err?: Error) => void, ...rest: unknown[]) => void;

export class Collector {
  readonly stats: CollectorStats = { received: 0, accepted: 0, duplicates: 0, rejected: 0, byReason: {}, batches: 0, storeErrors: 0, acked: 0, statuses: 0 };
  private client: MqttClient | null = null;
  private ring = new KeyRing();
  private queue: Pending[] = [];
  private byMessageId = new Map<number, Pending>();
  private gen = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private stopped = false;
  private origSend: SendPacket | null = null;
  private readonly clock: Clock;
  private readonly log: (e: Record<string, unknown>) => void;
  readonly clientId: string;
  readonly group: string;
  ackMode: 'deferred' | 'serial';

  constructor(private readonly o: CollectorOptions) {
    this.clock = o.clock ?? systemClock;
    this.log = o.log ?? (() => undefined);
    this.group = o.group ?? 'amsgate-collectors';
    this.clientId = o.clientId ?? `amsgate-collector-${randomUUID().slice(0, 8)}`;
    this.ackMode = o.ackMode ?? 'deferred';
  }

  get keyCount(): number {
    return this.ring.size;
  }

  async refreshKeys(): Promise<void> {
    this.ring = KeyRing.from(await this.o.store.listKeys(), this.clock.now(), this.ring);
  }

  /**
   * Connects, subscribes to intervals, alarms, status and replies, and resolves once the broker has granted the
   * subscriptions. Gives up (rejects, client closed) after `connectAttempts` failed attempts; once connected it
   * reconnects for ever, the delay doubling from reconnectMinMs to reconnectMaxMs and reset by each connect.
   */
  async start(): Promise<void> {
    await this.refreshKeys();
    const v = this.o.protocolVersion ?? 5;
    const minMs = this.o.reconnectMinMs ?? 1000;
    const maxMs = this.o.reconnectMaxMs ?? 30_000;
    const opts: IClientOptions = {
      clientId: this.clientId,
      clean: false,
      protocolVersion: v,
      reconnectPeriod: minMs,
      connectTimeout: 10_000,
      ...(v === 5 ? { properties: { sessionExpiryInterval: this.o.sessionExpiry ?? 7 * 24 * 3600, receiveMaximum: 65535 } } : {}),
    };
    const client = mqtt.connect(this.o.broker, opts);
    this.client = client;
    const internal = client as unknown as { _sendPacket?: SendPacket; handleMessage: (packet: mqtt.IPublishPacket, cb: (err?: Error) => void) => void };
    if (this.ackMode === 'deferred' && typeof internal._sendPacket !== 'function') this.ackMode = 'serial';
    if (this.ackMode === 'deferred') {
      const orig = internal._sendPacket!.bind(client) as SendPacket;
      this.origSend = orig;
      internal._sendPacket = (packet, cb, ...rest) => {
        if (packet.cmd === 'puback' && packet.messageId !== undefined) {
          const p = this.byMessageId.get(packet.messageId);
          if (p && p.gen === this.gen) {
            p.puback = packet;
            cb?.();
            return;
          }
        }
        orig(packet, cb, ...rest);
      };
    }
    internal.handleMessage = (packet, cb) => {
      const kind = packet.topic.split('/')[3];
      if (kind === 'status' || kind === 'reply') {
        // Not records: read at once, acknowledged at once.
        this.onControl(kind, packet.topic, packet.payload.toString());
        cb();
        return;
      }
      const p: Pending = {
        topic: packet.topic,
        payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
        qos: packet.qos,
        messageId: packet.messageId,
        gen: this.gen,
        receivedAt: this.clock.now(),
      };
      this.stats.received++;
      if (packet.qos === 1 && packet.messageId !== undefined && this.ackMode === 'deferred') {
        this.byMessageId.set(packet.messageId, p);
        this.enqueue(p);
        cb();
      } else if (packet.qos === 1 && this.ackMode === 'serial') {
        p.ack = () => cb();
        this.enqueue(p);
      } else {
        this.enqueue(p);
        cb();
      }
    };
    // Runs before mqtt.js's own close handler, which schedules the next attempt with options.reconnectPeriod.
    client.prependListener('close', () => {
      // Held PUBACKs belong to the connection that just ended; the broker will redeliver those messages.
      this.gen++;
      this.byMessageId.clear();
      client.options.reconnectPeriod = this.reconnectDelay;
      this.reconnectDelay = Math.min(this.reconnectDelay * 2, maxMs);
    });
    this.reconnectDelay = minMs;
    client.on('error', (err) => this.log({ event: 'mqtt-error', error: err.message }));
    client.on('connect', (ack) => {
      this.reconnectDelay = minMs;
      client.options.reconnectPeriod = minMs;
      this.log({ event: 'connected', sessionPresent: ack.sessionPresent, clientId: this.clientId });
    });
    const attempts = this.o.connectAttempts ?? 5;
    await new Promise<void>((resolve, reject) => {
      let failed = 0;
      let lastError = 'no CONNACK';
      const onErr = (err: Error): void => {
        lastError = err.message;
      };
      const onClose = (): void => {
        if (++failed < attempts) return;
        cleanup();
        client.end(true);
        reject(new Error(`${failed} connection attempts failed (last: ${lastError})`));
      };
      const cleanup = (): void => {
        client.off('error', onErr);
        client.off('close', onClose);
      };
      client.on('error', onErr);
      client.on('close', onClose);
      client.once('connect', (ack) => {
        cleanup();
        const useShared = this.o.shared ?? true;
        const subs = [topics.allIntervals, topics.allAlarms].map((t) => (useShared ? shared(this.group, t) : t));
        // Status and replies are plain subscriptions (retained status is not sent to shared subscriptions).
        const plain = [STATUS_TOPIC, topics.allReplies];
        if (ack.sessionPresent) {
          resolve();
          return;
        }
        client.subscribe([...subs, ...plain], { qos: 1 }, (err, granted) => {
          if (err) return reject(err);
          const bad = (granted ?? []).filter((g) => g.qos !== 1);
          if (bad.length) return reject(new Error(`broker refused subscription ${bad.map((b) => b.topic).join(', ')} (granted ${bad.map((b) => b.qos).join(', ')})`));
          resolve();
        });
      });
    });
  }

  private reconnectDelay = 1000;
  private pendingTails = new Map<string, number>();

  /** A status/heartbeat raises the device's announced tail; a reply goes to the recovery loop. */
  private onControl(kind: 'status' | 'reply', topic: string, text: string): void {
    const device = deviceOfTopic(topic);
    if (device === null) return;
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return; // an unreadable status is ignored: it can only ever widen what is asked for
    }
    if (kind === 'reply') {
      this.o.onReply?.(device, msg);
      return;
    }
    this.stats.statuses++;
    const seq = (msg as { seq?: unknown } | null)?.seq;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return;
    this.pendingTails.set(device, Math.max(seq, this.pendingTails.get(device) ?? 0));
    if (!this.timer) this.timer = setTimeout(() => void this.kick(), this.o.flushMs ?? 5);
  }

  /** Writes the tails announced since the last call (the flush loop calls it; errors leave them pending). */
  private async flushTails(): Promise<void> {
    if (this.pendingTails.size === 0) return;
    const now = this.clock.now();
    const tails = [...this.pendingTails].map(([device, seq]) => ({ device, seq, seenAt: now }));
    this.pendingTails.clear();
    try {
      await this.o.store.noteTails(tails);
    } catch (e) {
      for (const t of tails) this.pendingTails.set(t.device, Math.max(t.seq, this.pendingTails.get(t.device) ?? 0));
      this.log({ event: 'store-error', error: `storing announced tails: ${(e as Error).message}` });
    }
  }

  private enqueue(p: Pending): void {
    this.queue.push(p);
    if (this.queue.length >= (this.o.batchSize ?? 500)) void this.kick();
    else if (!this.timer) this.timer = setTimeout(() => void this.kick(), this.o.flushMs ?? 5);
  }

  private kick(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.flushing) return this.flushing;
    const run = (async () => {
      // Yield first: were the body to finish synchronously (empty queue), its `finally` would run before the
      // assignment below and leave a settled promise in `flushing` for ever, and nothing would be stored again.
      await null;
      // Two-stage pipeline: batch n+1 is verified (CPU) while batch n's transaction is in the database. Commits,
      // and so PUBACKs, stay strictly in arrival order, and batch n+1 is stored only after batch n has committed
      // (its chain checks see batch n's rows).
      let committing: Promise<void> | null = null;
      try {
        while (this.queue.length > 0 && !this.stopped) {
          const batch = this.queue.splice(0, this.o.batchSize ?? 500);
          const verified = await this.verifyBatch(batch);
          if (committing) await committing;
          committing = this.commit(batch, verified);
        }
        if (committing) await committing;
        await this.flushTails();
      } finally {
        this.flushing = null;
      }
      if (this.queue.length > 0 && !this.stopped) void this.kick();
    })();
    this.flushing = run;
    return run;
  }

  private verifyAll(batch: Pending[]): { records: VerifiedRecord[]; rejections: Rejection[]; unknownKey: boolean } {
    const records: VerifiedRecord[] = [];
    const rejections: Rejection[] = [];
    let unknownKey = false;
    for (const p of batch) {
      let v: ReturnType<typeof verifyMessage>;
      try {
        v = verifyMessage(p.topic, p.payload, this.ring, p.receivedAt);
      } catch (e) {
        // verifyMessage is written not to throw; if it ever does, the message is still refused, not the daemon.
        v = { ok: false, rejection: { receivedAt: p.receivedAt, topic: p.topic, device: null, recordId: null, reason: 'malformed-jws', detail: `internal error while verifying: ${(e as Error).message}`, raw: p.payload.toString('utf8').slice(0, 4096) } };
      }
      if (v.ok) records.push(v.record);
      else {
        if (v.rejection.reason === 'unknown-key') unknownKey = true;
        rejections.push(v.rejection);
      }
    }
    return { records, rejections, unknownKey };
  }

  private async verifyBatch(batch: Pending[]): Promise<{ records: VerifiedRecord[]; rejections: Rejection[] }> {
    let v = this.verifyAll(batch);
    if (v.unknownKey && this.clock.now() - this.ring.loadedAt >= (this.o.keyRefreshMs ?? 1000)) {
      // The registry must be read before an unknown kid is refused: wait for the database like a commit does.
      for (;;) {
        try {
          await this.refreshKeys();
          break;
        } catch (e) {
          this.stats.storeErrors++;
          this.log({ event: 'store-error', error: `reloading keys: ${(e as Error).message}` });
          if (this.stopped) break;
          await this.clock.sleep(1000);
        }
      }
      v = this.verifyAll(batch);
    }
    return v;
  }

  private async commit(batch: Pending[], v: { records: VerifiedRecord[]; rejections: Rejection[] }): Promise<void> {
    for (;;) {
      try {
        const r = await this.o.store.ingest(v.records, v.rejections);
        this.stats.batches++;
        this.stats.accepted += r.accepted;
        this.stats.duplicates += r.duplicates;
        this.stats.rejected += r.rejections.length;
        for (const rj of r.rejections) this.stats.byReason[rj.reason] = (this.stats.byReason[rj.reason] ?? 0) + 1;
        for (const rj of r.rejections) this.log({ event: 'rejected', reason: rj.reason, device: rj.device, id: rj.recordId, detail: rj.detail });
        break;
      } catch (e) {
        this.stats.storeErrors++;
        this.log({ event: 'store-error', error: (e as Error).message, batch: batch.length });
        if (this.stopped) return; // not acked: the broker keeps the messages
        await this.clock.sleep(1000);
      }
    }
    this.ackBatch(batch);
  }

  private ackBatch(batch: Pending[]): void {
    for (const p of batch) {
      if (p.ack) {
        if (p.gen === this.gen) {
          p.ack();
          this.stats.acked++;
        }
        continue;
      }
      if (p.messageId === undefined) continue;
      const held = this.byMessageId.get(p.messageId);
      if (held === p) this.byMessageId.delete(p.messageId);
      if (p.gen === this.gen && p.puback && this.origSend) {
        this.origSend(p.puback as { cmd: string; messageId?: number });
        this.stats.acked++;
      }
    }
  }

  /**
   * Flushes what has arrived, sends its PUBACKs and disconnects cleanly. If the database does not take the last
   * batches within `graceMs`, stops anyway: those messages are not acknowledged and the broker keeps them.
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    let t: NodeJS.Timeout | undefined;
    await Promise.race([this.kick(), new Promise<void>((r) => (t = setTimeout(r, graceMs)))]);
    clearTimeout(t);
    this.stopped = true;
    const c = this.client;
    if (c) await new Promise<void>((r) => c.end(false, {}, () => r()));
  }

  /** Drops the connection without acknowledging anything still queued (a crash, for tests). */
  async kill(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
    const c = this.client;
    if (c) await new Promise<void>((r) => c.end(true, {}, () => r()));
  }

  /** Publishes gateway commands (resend requests) at QoS 1. */
  async publishCommand(device: string, command: unknown): Promise<void> {
    const c = this.client;
    if (!c) throw new Error('collector is not connected');
    await c.publishAsync(topics.command(device), JSON.stringify(command), { qos: 1 });
  }
}
