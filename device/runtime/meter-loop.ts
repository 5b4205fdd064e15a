// One meter's poll loop: polls land on multiples of the poll interval; a read is bounded in time; a sample is
// committed through the meter's runtime; a failure counts towards its alarm and reopens a failed transport.
// Meters are isolated: a failing meter never stalls the others.
import type { Clock } from '../../drivers/clock.js';
import { TimeoutError } from '../../drivers/errors.js';
import type { MeterSample } from '../../drivers/meter-driver.js';
import type { IntervalRecord } from '../records/record-types.js';
import type { MeterRuntime } from './meter-runtime.js';
import type { MeterOpener, OpenedMeter } from './open-meter.js';
import { withTimeout, type BoundedReads } from './bounded-read.js';
import type { ClockMonitor } from './clock-monitor.js';
import { isStoreError, type StorageWatch } from './storage-watch.js';
import type { Emit } from './gateway-events.js';

export interface MeterLoopDeps {
  clock: Clock;
  pollIntervalMs: number;
  opener: MeterOpener;
  /** Open transports by meter id (closed by the gateway at stop). */
  opened: Map<string, OpenedMeter>;
  reads: BoundedReads;
  clockMonitor: ClockMonitor;
  storage: StorageWatch;
  emit: Emit;
  /** Warnings already reported (each once per run). */
  warned: Set<string>;
  running(): boolean;
  /** Sleeps on the gateway clock; false when the gateway is stopping. */
  sleep(ms: number): Promise<boolean>;
  afterRecords(m: MeterRuntime, closed: IntervalRecord[]): void;
  publishTelemetry(m: MeterRuntime, s: MeterSample, lifetimeImportWh: bigint | null): void;
}

export async function meterLoop(d: MeterLoopDeps, m: MeterRuntime): Promise<void> {
  const poll = d.pollIntervalMs;
  while (d.running()) {
    const now0 = d.clock.now();
    // Polls land on multiples of the poll interval, so period boundaries get a reading of their own.
    if (!(await d.sleep(Math.ceil((now0 + 1) / poll) * poll - now0))) break;
    try {
      let opened = d.opened.get(m.m.id);
      if (!opened) {
        const opening = d.opener(m.m, d.clock);
        try {
          // Opening may start a simulator and a pty pair (demo): allow it more real time than a read.
          opened = await withTimeout(d.clock, poll, opening, 'open its connection', 15_000);
        } catch (err) {
          // A late open is closed when it completes, so no port or socket leaks.
          opening.then((o) => o.close(), () => {});
          throw err;
        }
        if (!d.running()) {
          await opened.close();
          break;
        }
        d.opened.set(m.m.id, opened);
      }
      const sample = await d.reads.sample(m.m.id, opened);
      if (!d.running()) break;
      const now = d.clock.now();
      d.clockMonitor.check(now);
      const res = m.onSample(sample, now, d.clockMonitor.unsynchronised, d.clockMonitor.steps);
      d.storage.succeeded(now);
      d.afterRecords(m, res.closed);
      d.publishTelemetry(m, sample, res.lifetimeImportWh);
      d.emit({ type: 'reading', meter: m.m.id, sample, registersKwh: m.registersWh() });
      for (const w of m.warnings) if (!d.warned.has(w)) {
        d.warned.add(w);
        d.emit({ type: 'info', message: `warning: ${w}` });
      }
    } catch (err) {
      if (!d.running()) break;
      if (isStoreError(err)) {
        // The meter answered; the store did not take it. Memory is back at the stored state: the next poll retries.
        d.storage.failed(err, d.clock.now());
        d.emit({ type: 'info', message: `store write failed (${err.code}): ${err.message}; the reading is counted at the next poll` });
        continue;
      }
      const e = err as Error;
      d.emit({ type: 'meter-error', meter: m.m.id, error: e.message });
      let closed: IntervalRecord[] = [];
      try {
        closed = m.onFailure(e, d.clock.now());
      } catch (storeErr) {
        if (!isStoreError(storeErr)) throw storeErr;
        d.storage.failed(storeErr, d.clock.now());
      }
      d.afterRecords(m, closed);
      // A transport that failed is reopened on the next poll.
      if (!(e instanceof TimeoutError)) {
        const o = d.opened.get(m.m.id);
        d.opened.delete(m.m.id);
        await o?.close().catch(() => {});
      }
    }
  }
}
