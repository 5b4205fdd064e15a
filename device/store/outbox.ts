// The outbox: every QoS 1 message is a row written in the same transaction as the record it carries, and
// leaves the backlog only when the broker has acknowledged it (PUBACK).
import type Database from 'better-sqlite3';

export interface OutboxMessage {
  id: number;
  topic: string;
  payload: string;
  qos: 0 | 1;
  recordId: string | null;
  createdAt: number;
}

export class Outbox {
  private readonly insertStmt;
  private readonly pendingStmt;
  private readonly deliveredStmt;
  private readonly countStmt;

  constructor(private readonly db: Database.Database) {
    this.insertStmt = db.prepare(
      'INSERT INTO outbox (topic, payload, qos, record_id, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.pendingStmt = db.prepare(
      'SELECT id, topic, payload, qos, record_id AS recordId, created_at AS createdAt FROM outbox ' +
        'WHERE delivered_at IS NULL AND id > ? ORDER BY id LIMIT ?',
    );
    this.deliveredStmt = db.prepare('UPDATE outbox SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL');
    this.countStmt = db.prepare('SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE delivered_at IS NULL');
  }

  /** Call inside the transaction that creates the record. Returns the row id. */
  enqueue(topic: string, payload: string, qos: 0 | 1, recordId: string | null, nowMs: number): number {
    return Number(this.insertStmt.run(topic, payload, qos, recordId, nowMs).lastInsertRowid);
  }

  /** Undelivered messages in creation order, after `afterId`. */
  pending(afterId: number, limit: number): OutboxMessage[] {
    return this.pendingStmt.all(afterId, limit) as OutboxMessage[];
  }

  /** Marks acknowledged messages in one transaction (acks are batched: one fsync for many PUBACKs). */
  markDelivered(ids: readonly number[], nowMs: number): void {
    if (ids.length === 0) return;
    this.db.transaction(() => {
      for (const id of ids) this.deliveredStmt.run(nowMs, id);
    })();
  }

  backlog(): { count: number; oldestMs: number | null } {
    const r = this.countStmt.get() as { n: number; oldest: number | null };
    return { count: r.n, oldestMs: r.oldest };
  }

  /**
   * Keeps the backlog bounded: drops the oldest undelivered rows beyond `max`. The records themselves stay in
   * the intervals/alarms tables, so a head-end can still fetch them with a resend command.
   */
  trim(max: number): { dropped: number; firstId: number | null; lastId: number | null } {
    const { count } = this.backlog();
    if (count <= max) return { dropped: 0, firstId: null, lastId: null };
    const victims = this.db
      .prepare('SELECT id FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT ?')
      .all(count - max) as { id: number }[];
    const del = this.db.prepare('DELETE FROM outbox WHERE id = ?');
    this.db.transaction(() => {
      for (const v of victims) del.run(v.id);
    })();
    return { dropped: victims.length, firstId: victims[0]?.id ?? null, lastId: victims[victims.length - 1]?.id ?? null };
  }

  /** Removes delivered rows acknowledged before `beforeMs`. */
  pruneDelivered(beforeMs: number): number {
    return this.db.prepare('DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?').run(beforeMs).changes;
  }
}
