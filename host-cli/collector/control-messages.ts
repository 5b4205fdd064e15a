// Messages on the status and reply topics: not records, not signed, read at once. A status (the gateway's heartbeat)
// announces the latest seq it sealed, which the collector keeps as the chain's tail (device_tails).
import { deviceOfTopic } from '../../device/mqtt/topics.js';
import type { CollectorStore } from './store-types.js';

export type ControlMessage = { device: string; seq: number | null } | { device: string; reply: unknown };

/** Parses a status or reply; null when it names no device or is not JSON (ignored: it can only widen what is asked). */
export function readControl(kind: 'status' | 'reply', topic: string, text: string): ControlMessage | null {
  const device = deviceOfTopic(topic);
  if (device === null) return null;
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return null;
  }
  if (kind === 'reply') return { device, reply: msg };
  const seq = (msg as { seq?: unknown } | null)?.seq;
  return { device, seq: typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1 ? seq : null };
}

/** Tails announced since the last flush, the highest per device. */
export class AnnouncedTails {
  private pending = new Map<string, number>();
  private seen = new Map<string, number>();

  note(device: string, seq: number): void {
    this.pending.set(device, Math.max(seq, this.pending.get(device) ?? 0));
    this.seen.set(device, Math.max(seq, this.seen.get(device) ?? 0));
  }

  /** The highest seq this process has seen announced for the device (0: none). */
  highest(device: string): number {
    return this.seen.get(device) ?? 0;
  }

  /** Writes them; on a store error they stay pending for the next flush. */
  async flush(store: CollectorStore, now: number, log: (e: Record<string, unknown>) => void): Promise<void> {
    if (this.pending.size === 0) return;
    const tails = [...this.pending].map(([device, seq]) => ({ device, seq, seenAt: now }));
    this.pending.clear();
    try {
      await store.noteTails(tails);
    } catch (e) {
      for (const t of tails) this.note(t.device, t.seq);
      log({ event: 'store-error', error: `storing announced tails: ${(e as Error).message}` });
    }
  }
}
