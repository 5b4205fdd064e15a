// Raises and clears alarms. An alarm is raised once while its condition lasts (no flooding of the outbox or
// the flash), and both edges are sealed records on the device chain that go through the outbox.
import type { AlarmKind } from '../records/record-types.js';
import type { GatewayStore } from '../store/gateway-store.js';
import type { RecordWriter } from '../runtime/record-writer.js';

export interface AlarmEvent {
  kind: AlarmKind;
  meter: string | null;
  state: 'raised' | 'cleared';
  atMs: number;
  detail: string;
  recordId: string;
}

export class AlarmManager {
  private listeners: ((e: AlarmEvent) => void)[] = [];

  constructor(
    private readonly store: GatewayStore,
    private readonly writer: RecordWriter,
  ) {}

  onChange(fn: (e: AlarmEvent) => void): void {
    this.listeners.push(fn);
  }

  isActive(kind: AlarmKind, meter: string | null): boolean {
    return this.store.activeAlarm(kind, meter ?? '') !== null;
  }

  /** Raises the alarm unless it is already active. Returns true when a record was written. */
  raise(kind: AlarmKind, meter: string | null, detail: string, atMs: number, nowMs: number = atMs): boolean {
    const key = meter ?? '';
    const ev = this.store.transaction(() => {
      if (this.store.activeAlarm(kind, key)) return null;
      const s = this.writer.writeAlarm(
        { type: 'alarm', alarm: kind, meter, state: 'raised', at: new Date(atMs).toISOString(), detail },
        nowMs,
      );
      this.store.insertAlarm(kind, key, atMs, detail, s.payload.id);
      return { kind, meter, state: 'raised' as const, atMs, detail, recordId: s.payload.id };
    });
    // Listeners hear of it only once it is stored: an enclosing transaction may still roll back.
    if (ev) this.store.afterCommit(() => { for (const l of this.listeners) l(ev); });
    return ev !== null;
  }

  /** Clears the alarm if it is active. Returns true when a record was written. */
  clear(kind: AlarmKind, meter: string | null, detail: string, atMs: number, nowMs: number = atMs): boolean {
    const key = meter ?? '';
    const ev = this.store.transaction(() => {
      if (!this.store.activeAlarm(kind, key)) return null;
      const s = this.writer.writeAlarm(
        { type: 'alarm', alarm: kind, meter, state: 'cleared', at: new Date(atMs).toISOString(), detail },
        nowMs,
      );
      this.store.clearAlarm(kind, key, atMs, s.payload.id);
      return { kind, meter, state: 'cleared' as const, atMs, detail, recordId: s.payload.id };
    });
    if (ev) this.store.afterCommit(() => { for (const l of this.listeners) l(ev); });
    return ev !== null;
  }

  /** An event with no lasting condition (power outage seen at start, test alarm): raised then cleared. */
  pulse(kind: AlarmKind, meter: string | null, detail: string, raisedAtMs: number, clearedAtMs: number, nowMs: number): void {
    this.store.transaction(() => {
      this.raise(kind, meter, detail, raisedAtMs, nowMs);
      this.clear(kind, meter, detail, clearedAtMs, nowMs);
    });
  }
}
