// The resend command's two forms: by period (the latest revision of each stored interval) and by sequence range
// (every stored record, whatever its type). Both queue copies in the outbox; the records themselves never move.
import type { GatewayStore } from '../store/gateway-store.js';
import { topics } from '../mqtt/topics.js';

/** Queues the latest revision of stored intervals whose period starts in [fromMs, toMs) again. */
export function resendIntervals(store: GatewayStore, deviceId: string, fromMs: number, toMs: number, meter: string | undefined, nowMs: number): number {
  const rows = store.latestIntervals(fromMs, toMs, meter);
  store.transaction(() => {
    for (const r of rows) store.outbox.enqueue(topics.interval(deviceId), r.compact, 1, r.recordId, nowMs);
  });
  return rows.length;
}

/**
 * Queues every stored record with fromSeq <= seq <= toSeq on its own topic. `notStored` counts the seqs of the
 * range the store no longer holds (past retention) or never issued (above the chain head).
 */
export function resendRecords(store: GatewayStore, deviceId: string, fromSeq: number, toSeq: number, nowMs: number): { records: number; notStored: number } {
  const rows = store.recordsBySeq(fromSeq, toSeq);
  store.transaction(() => {
    for (const r of rows) {
      const topic = r.type === 'interval' ? topics.interval(deviceId) : topics.alarm(deviceId);
      store.outbox.enqueue(topic, r.compact, 1, r.recordId, nowMs);
    }
  });
  return { records: rows.length, notStored: toSeq - fromSeq + 1 - rows.length };
}
