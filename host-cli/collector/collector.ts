// The head-end collector daemon: a shared MQTT subscription to the fleet's signed records, verification, batched
// storage, and a PUBACK for each message only after the transaction holding it (record or rejection) has committed.
//
// mqtt.js (5.16) reads the next PUBLISH only after the previous PUBACK was written, so ("deferred" mode) each
// message is queued at once and its PUBACK held back (puback-release.ts) until its batch has committed, then sent in
// arrival order; held PUBACKs of a dropped connection are discarded (the broker redelivers, storage is idempotent).
// Without mqtt.js's _sendPacket, "serial" mode acks through handleMessage's callback (docs/collector.md).
import mqtt, { type MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import { COLLECTOR_ROOT, shared, TOPIC_ROOT, topics } from '../../device/mqtt/topics.js';
import { adoptSession, announce, withdraw } from './adopted-session.js';
import { clientOptions } from './client-options.js';
import { presenceCapable, readPresence } from './member-presence.js';
import { systemClock, type Clock } from '../../drivers/clock.js';
import { verifyPending, type BatchVerdicts } from './batch-verify.js';
import type { CollectorOptions, CollectorStats, Pending, SendPacket } from './collector-types.js';
import { AnnouncedTails, readControl } from './control-messages.js';
import { untilCut } from './batch-wait.js';
import { firstConnect } from './first-connect.js';
import { KeyRing } from './key-ring.js';
import { holdPubacks, releaseAcks, type AckContext } from './puback-release.js';
import type { Rejection, VerifiedRecord } from './store-types.js';

export type { CollectorOptions, CollectorStats } from './collector-types.js';

/** Plain (not shared) subscriptions: every collector sees every gateway's status and every reply. */
const STATUS_TOPIC = `${TOPIC_ROOT}/+/status`;
const PRESENCE_PREFIX = `${COLLECTOR_ROOT}/`;

export class Collector {
  readonly stats: CollectorStats = { received: 0, accepted: 0, duplicates: 0, rejected: 0, byReason: {}, batches: 0, storeErrors: 0, acked: 0, statuses: 0, signatures: 0, linked: 0, linkedByStore: 0 };
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
    const minMs = this.o.reconnectMinMs ?? 1000;
    const maxMs = this.o.reconnectMaxMs ?? 30_000;
    const client = mqtt.connect(this.o.broker, clientOptions(this.o, this.clientId, this.group, this.announces));
    this.client = client;
    const internal = client as unknown as { _sendPacket?: SendPacket; handleMessage: (packet: mqtt.IPublishPacket, cb: (err?: Error) => void) => void };
    if (this.ackMode === 'deferred' && typeof internal._sendPacket !== 'function') this.ackMode = 'serial';
    if (this.ackMode === 'deferred') this.origSend = holdPubacks(internal as { _sendPacket: SendPacket }, client, (id) => {
      const p = this.byMessageId.get(id);
      return p && p.gen === this.gen ? p : undefined;
    });
    internal.handleMessage = (packet, cb) => {
      if (packet.topic.startsWith(PRESENCE_PREFIX)) {
        const p = readPresence(packet.topic, packet.payload.toString());
        if (p) this.o.onMemberPresence?.(p, packet.retain);
        cb();
        return;
      }
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
        at: performance.now(),
        memo: undefined,
      };
      this.lastArrival = p.at;
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
      if (this.o.adopter) {
        // Ended for good (client-options.ts): what is queued goes back to the member with its session.
        this.stopped = true;
        this.queue.length = 0;
        return;
      }
      client.options.reconnectPeriod = this.reconnectDelay;
      this.reconnectDelay = Math.min(this.reconnectDelay * 2, maxMs);
    });
    this.reconnectDelay = minMs;
    client.on('error', (err) => this.log({ event: 'mqtt-error', error: err.message }));
    client.on('connect', (ack) => {
      this.reconnectDelay = minMs;
      if (!this.o.adopter) client.options.reconnectPeriod = minMs;
      this.log({ event: 'connected', sessionPresent: ack.sessionPresent, clientId: this.clientId });
      if (this.announces) announce(client, this.group, this.clientId);
    });
    if (this.o.adopter) {
      await adoptSession(client, this.o.onClosed);
      return;
    }
    const useShared = this.o.shared ?? true;
    // Status and replies are plain subscriptions (retained status is not sent to shared subscriptions).
    const subs = [...[topics.allIntervals, topics.allAlarms].map((t) => (useShared ? shared(this.group, t) : t)), STATUS_TOPIC, topics.allReplies];
    await firstConnect(client, this.o.connectAttempts ?? 5, subs);
  }

  /** Members announce their presence (adoption.ts); an adopter speaks for nobody. */
  private get announces(): boolean {
    return (this.o.presence ?? false) && !this.o.adopter && presenceCapable(this.clientId, this.group);
  }

  private reconnectDelay = 1000;
  private readonly tails = new AnnouncedTails();

  /** A status/heartbeat raises the device's announced tail; a reply goes to the recovery loop. */
  private onControl(kind: 'status' | 'reply', topic: string, text: string): void {
    const m = readControl(kind, topic, text);
    if (!m) return;
    if ('reply' in m) {
      this.o.onReply?.(m.device, m.reply);
      return;
    }
    this.stats.statuses++;
    if (m.seq === null) return;
    this.tails.note(m.device, m.seq);
    if (!this.timer) this.timer = setTimeout(() => void this.kick(), this.o.flushMs ?? 5);
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
          await this.gathered();
          const batch = this.queue.splice(0, this.o.batchSize ?? 500);
          const t0 = performance.now();
          // What has already arrived behind the batch (up to a batch more) is looked ahead at: chain-auth.ts.
          const verified = await this.verifyBatch(batch, this.queue.slice(0, this.o.batchSize ?? 500));
          if (committing) await committing;
          committing = this.commit(batch, verified, performance.now() - t0);
        }
        if (committing) await committing;
        await this.tails.flush(this.o.store, this.clock.now(), this.log);
      } finally {
        this.flushing = null;
      }
      if (this.queue.length > 0 && !this.stopped) void this.kick();
    })();
    this.flushing = run;
    return run;
  }

  private lastArrival = 0;

  /** Resolves when the next batch should be cut (batch-cut.ts). */
  private async gathered(): Promise<void> {
    const rule = { size: this.o.batchSize ?? 500, quietMs: this.o.flushMs ?? 5, maxMs: this.o.maxWaitMs ?? 500 };
    await untilCut(rule, () => ({ queued: this.queue.length, lastArrival: this.lastArrival, oldestArrival: this.queue[0]?.at ?? 0, stopped: this.stopped }));
  }

  private async verifyAll(batch: Pending[], ahead: Pending[]): Promise<BatchVerdicts> {
    return verifyPending(batch, { ring: this.ring, store: this.o.store, chain: this.o.chainAuth ?? true, tailOf: (d) => this.tails.highest(d), stats: this.stats }, ahead);
  }

  private async verifyBatch(batch: Pending[], ahead: Pending[]): Promise<{ records: VerifiedRecord[]; rejections: Rejection[] }> {
    let v = await this.verifyAll(batch, ahead);
    if (v.unknownKey && this.clock.now() - this.ring.loadedAt >= (this.o.keyRefreshMs ?? 1000)) {
      // The registry must be read before an unknown kid is refused: wait for the database like a commit does.
      while (!(await this.refreshKeys().then(() => true, (e: Error) => this.storeError(`reloading keys: ${e.message}`))) && !this.stopped) await this.clock.sleep(1000);
      v = await this.verifyAll(batch, ahead);
    }
    return v;
  }

  private storeError(error: string): false {
    this.stats.storeErrors++;
    this.log({ event: 'store-error', error });
    return false;
  }

  private async commit(batch: Pending[], v: { records: VerifiedRecord[]; rejections: Rejection[] }, verifyMs: number): Promise<void> {
    const t0 = performance.now();
    for (;;) {
      try {
        const r = await this.o.store.ingest(v.records, v.rejections);
        this.stats.batches++;
        this.stats.accepted += r.accepted;
        this.stats.duplicates += r.duplicates;
        this.stats.rejected += r.rejections.length;
        for (const rj of r.rejections) this.stats.byReason[rj.reason] = (this.stats.byReason[rj.reason] ?? 0) + 1;
        for (const rj of r.rejections) this.log({ event: 'rejected', reason: rj.reason, device: rj.device, id: rj.recordId, detail: rj.detail });
        // verifyMs and storeMs: the batch's verification and its transaction (waiting for the one before included).
        this.log({ event: 'batch', messages: batch.length, accepted: r.accepted, duplicates: r.duplicates, rejected: r.rejections.length, verifyMs: Math.round(verifyMs), storeMs: Math.round(performance.now() - t0) });
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
    const stream = (this.client as unknown as { stream?: AckContext['stream'] } | null)?.stream;
    releaseAcks(batch, { gen: this.gen, byMessageId: this.byMessageId, origSend: this.origSend, stats: this.stats, stream });
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
    if (c && this.announces && c.connected) await withdraw(c, this.group, this.clientId);
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
