// Outbox cap during an outage: the capped outbox drops delivery attempts, never records. Every signed record
// (intervals and alarms) stays in the store for its retention time, and a resend by sequence range queues every
// record type again, so the head-end can close any hole in its chain.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { ManualClock } from '../../../drivers/clock.js';
import { Gateway } from '../../../device/runtime/gateway.js';
import { decodeCompactUnverified } from '../../../device/signing/jws.js';
import type { SignedRecordPayload } from '../../../device/records/record-types.js';
import { FakeMeter } from './fake-meter.js';
import { faultConfig, root, run } from './fault-helpers.js';

const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);
const MIN = 60_000;

test('outbox capped at 10 while alarms and intervals pile up: resend by seq range recovers every record', async () => {
  const cfg = faultConfig();
  cfg.outbox = { maxBacklog: 10, alarmBacklog: 5 };
  const clock = new ManualClock(T0);
  const meter = new FakeMeter(clock);
  const gw = new Gateway({ config: cfg, clock, openMeter: meter.opener(), brokerUrl: null });
  await gw.start();
  // No broker: everything stays in the outbox. Comms failures make alarm records among the intervals.
  for (let i = 0; i < 6; i++) {
    await run(clock, 20 * MIN);
    meter.failing = true;
    await run(clock, 10 * MIN);
    meter.failing = false;
  }
  const pendingSeqs = () => gw.store.outbox.pending(0, 1_000_000).map((m) => (decodeCompactUnverified(m.payload).payload as SignedRecordPayload).seq);
  const top = gw.writer.chain().seq;
  const before = new Set(pendingSeqs());
  assert.ok(before.size <= 11 && top >= 15, `outbox holds ${before.size} of ${top} records`);
  const reply = gw.command(JSON.stringify({ id: 'r1', type: 'resend', fromSeq: 1, toSeq: top }));
  assert.equal(reply, { id: 'r1', type: 'resend', records: top, notStored: 0 });
  const after = new Set(pendingSeqs());
  assert.equal([...after].sort((a, b) => a - b), Array.from({ length: top }, (_, i) => i + 1), 'every seq queued again');
  const kinds = new Set(gw.store.outbox.pending(0, 1_000_000).map((m) => (decodeCompactUnverified(m.payload).payload as SignedRecordPayload).type));
  assert.equal([...kinds].sort(), ['alarm', 'interval']);
  await gw.stop();
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
