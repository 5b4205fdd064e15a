// A full disk (SQLite's max_page_count, set on the gateway's own connection, stands in for a full file system:
// every write that needs a new page fails with SQLITE_FULL). While writes fail nothing may advance in memory that
// the store did not take; once space returns, every period closes, late and exact, and storage-write-failed records the span.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { ManualClock } from '../../../drivers/clock.js';
import { Gateway } from '../../../device/runtime/gateway.js';
import { FakeMeter } from './fake-meter.js';
import { audit, faultConfig, fillStore, root, run } from './fault-helpers.js';

const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);
const MIN = 60_000;

test('70 minutes of full disk: every period closes once space returns, exact to the meter', async () => {
  const cfg = faultConfig();
  const clock = new ManualClock(T0);
  const meter = new FakeMeter(clock);
  meter.powerW = 3000;
  const events: string[] = [];
  const gw = new Gateway({ config: cfg, clock, openMeter: meter.opener(), brokerUrl: null, onEvent: (e) => events.push(JSON.stringify(e)) });
  await gw.start();
  await run(clock, 40 * MIN);
  fillStore(gw);
  await run(clock, 70 * MIN);
  gw.store.db.pragma('max_page_count = 1073741823');
  gw.store.db.exec('DROP TABLE test_filler');
  await run(clock, 60 * MIN);
  await gw.stop();
  const a = audit(cfg.storePath);
  // Physics: 3 kW from T0. First reading at T0 + 10 s (8 Wh), last closed boundary at T0 + 2 h 30 min (7500 Wh).
  assert.is(a.intervals[0]!.period.start, '2026-01-05T00:00:00Z');
  assert.is(a.intervals[a.intervals.length - 1]!.period.end, '2026-01-05T02:30:00Z');
  assert.is(a.intervals.length, 5);
  assert.is(a.sumWh, a.spanWh);
  assert.is(a.sumWh, Math.floor(3000 * 2.5) - 8);
  assert.ok(a.alarms.includes('storage-write-failed:raised') && a.alarms.includes('storage-write-failed:cleared'), a.alarms.join(','));
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
