// Periods during a meter comms failure carry alarm-active: on their provisional issue while the meter is silent,
// and on the revision that apportions the energy once it answers again. Energy stays exact to the meter.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { ManualClock } from '../../../drivers/clock.js';
import { Gateway } from '../../../device/runtime/gateway.js';
import { FakeMeter } from './fake-meter.js';
import { audit, faultConfig, root, run } from './fault-helpers.js';

const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);
const MIN = 60_000;

test('a meter silent from 00:20 to 01:20: every period it touches carries alarm-active, in every revision', async () => {
  const cfg = faultConfig();
  const clock = new ManualClock(T0);
  const meter = new FakeMeter(clock);
  meter.powerW = 3000;
  const gw = new Gateway({ config: cfg, clock, openMeter: meter.opener(), brokerUrl: null });
  await gw.start();
  await run(clock, 20 * MIN);
  meter.failing = true;
  await run(clock, 60 * MIN);
  meter.failing = false;
  await run(clock, 40 * MIN);
  await gw.stop();
  const a = audit(cfg.storePath);
  assert.is(a.sumWh, a.spanWh);
  assert.is(a.sumWh, 3000 * 2 - 8);
  const touched = ['2026-01-05T00:00:00Z', '2026-01-05T00:30:00Z', '2026-01-05T01:00:00Z'];
  const revisions = a.records.filter((r) => r.type === 'interval' && r.channel === 'import' && touched.includes(r.period.start));
  assert.ok(revisions.length >= 4, `${revisions.length} revisions`);
  for (const r of revisions) {
    if (r.type !== 'interval') continue;
    assert.ok(r.flags.includes('alarm-active'), `${r.period.start} rev ${r.revision}: ${r.flags.join(',')}`);
  }
  assert.ok(a.alarms.includes('meter-comms-failure:raised') && a.alarms.includes('meter-comms-failure:cleared'), a.alarms.join(','));
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
