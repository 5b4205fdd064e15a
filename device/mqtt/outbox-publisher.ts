// Drains the outbox to the broker in id order with a bounded in-flight window. A row is marked delivered only
// when its PUBACK arrives (the publish callback); anything not acknowledged is published again after a reconnect
// or a restart. The receiver deduplicates by record id (QoS 1 is at-least-once).
import type { MqttClient } from 'mqtt';
import type { Clock } from '../../drivers/clock.js';
import type { Outbox, OutboxMessage } from '../store/outbox.js';

const PREFETCH = 500;

export interface PublisherOptions {
  client: MqttClient;
  outbox: Outbox;
  clock: Clock;
  /** Messages published but not yet acknowledged (Mosquitto's default receive maximum is 20). */
  window?: number;
  /** PUBACKs are written to SQLite in batches after this many ms (one fsync for many). */
  ackFlushMs?: number;
}

export class OutboxPublisher {
  private readonly window: number;
  private readonly ackFlushMs: number;
  /** Highest outbox id handed to the client in this process. */
  private handedUpTo = 0;
  private readonly inFlight = new Set<number>();
  /** Rows read ahead from the outbox (one query per PREFETCH rows, not one per PUBACK). */
  private queue: OutboxMessage[] = [];
  private kickScheduled = false;
  private acked: number[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private draining = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  delivered = 0;

  constructor(private readonly o: PublisherOptions) {
    this.window = o.window ?? 20;
    this.ackFlushMs = o.ackFlushMs ?? 50;
    o.client.on('connect', () => this.kick());
  }

  /** Call after enqueueing: publishes what the window allows. */
  kick(): void {
    if (this.stopped || this.draining) return;
    this.draining = true;
    try {
      while (this.o.client.connected && this.inFlight.size < this.window) {
        if (this.queue.length === 0 || this.queue[0]!.id <= this.handedUpTo) {
          this.queue = this.o.outbox.pending(this.handedUpTo, PREFETCH);
          if (this.queue.length === 0) break;
        }
        const m = this.queue.shift()!;
        this.handedUpTo = m.id;
        this.inFlight.add(m.id);
        this.o.client.publish(m.topic, m.payload, { qos: m.qos }, (err) => this.onAck(m.id, err ?? undefined));
      }
    } finally {
      this.draining = false;
    }
    this.checkIdle();
  }

  private onAck(id: number, err: Error | undefined): void {
    this.inFlight.delete(id);
    if (err) {
      // Not acknowledged (client ended or publish refused): publish it again from here on.
      this.handedUpTo = Math.min(this.handedUpTo, id - 1);
      this.queue = [];
    } else {
      this.acked.push(id);
      this.delivered++;
      if (this.acked.length >= 200) this.flushAcks();
      else this.flushTimer ??= setTimeout(() => this.flushAcks(), this.ackFlushMs);
    }
    if (!this.stopped && !this.kickScheduled) {
      this.kickScheduled = true;
      setImmediate(() => {
        this.kickScheduled = false;
        this.kick();
      });
    }
  }

  /** Writes pending PUBACKs to the store. */
  flushAcks(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const ids = this.acked;
    this.acked = [];
    try {
      if (ids.length) this.o.outbox.markDelivered(ids, this.o.clock.now());
    } catch {
      // Store full or failing: keep the acks and try again later. Lost acks would only mean a duplicate delivery
      // after a restart (receivers deduplicate by record id), never a lost record.
      this.acked = ids.concat(this.acked);
      if (!this.stopped) this.flushTimer = setTimeout(() => this.flushAcks(), Math.max(1000, this.ackFlushMs));
      return;
    }
    this.checkIdle();
  }

  inFlightCount(): number {
    return this.inFlight.size;
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0) return;
    if (this.inFlight.size === 0 && this.acked.length === 0 && this.o.outbox.backlog().count === 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    }
  }

  /** Resolves once the backlog is empty and every PUBACK is stored. */
  whenDrained(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.checkIdle();
    });
  }

  stop(): void {
    this.stopped = true;
    this.flushAcks();
    for (const f of this.idleWaiters) f();
    this.idleWaiters = [];
  }
}
