// A gateway killed while its store is full must not take the storage failure with it: the next process, once
// writes succeed, raises storage-write-failed from the first failure of the earlier one (issue 9, SIGKILL during
// a full disk). The in-memory gateway stands in for two processes: the first one's memory is dropped unflushed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../../drivers/clock.js';
import { Gateway } from '../../../device/runtime/gateway.js';
import { FaultMarker } from '../../../device/store/fault-marker.js';
import { FakeMeter } from './fake-meter.js';
import { audit, faultConfig, fillStore, root, run } from './fault-helpers.js';

const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);
const MIN = 60_000;

test('killed while the store is full: the next process records storage-write-failed from the first failure', async () => {
  const cfg = faultConfig();
  const clock = new ManualClock(T0);
  const meter = new FakeMeter(clock);
  meter.powerW = 3000;
  const gateway = () => new Gateway({ config: cfg, clock, openMeter: meter.opener(), brokerUrl: null });
  let gw = gateway();
  await gw.start();
  await run(clock, 40 * MIN);
  fillStore(gw);
  const fullFrom = clock.now();
  await run(clock, 25 * MIN);
  const killedAt = clock.now();
  // SIGKILL: the loops stop, nothing is flushed, the connection (and its page limit) goes.
  (gw as unknown as { running: boolean }).running = false;
  gw.store.close();
  const marker = JSON.parse(readFileSync(join(cfg.storePath, 'storage-fault'), 'utf8')) as { sinceMs: number };
  assert.ok(marker.sinceMs >= fullFrom && marker.sinceMs <= killedAt, `marker holds the first failure: ${JSON.stringify(marker)}`);
  gw = gateway();
  await gw.start();
  await run(clock, 40 * MIN);
  await gw.stop();
  const a = audit(cfg.storePath);
  assert.is(a.sumWh, a.spanWh);
  assert.ok(a.alarms.includes('storage-write-failed:raised'), a.alarms.join(','));
  const s = (await import('../../../device/store/gateway-store.js')).GatewayStore.open(join(cfg.storePath, 'gateway.db'), { readonly: true });
  const row = s.db.prepare("SELECT raised_at FROM alarms WHERE kind = 'storage-write-failed'").get() as { raised_at: number };
  s.close();
  assert.is(row.raised_at, marker.sinceMs, 'raised at the first failure, seen by the killed process');
  assert.is(FaultMarker.open(join(cfg.storePath, 'storage-fault')).read(), null, 'the marker is cleared once the alarm is stored');
});

test('a marker that cannot be allocated does nothing and never throws', () => {
  const m = FaultMarker.open(join(root, 'no-such-dir', 'storage-fault'));
  m.write({ sinceMs: 1 });
  assert.is(m.read(), null);
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
