// The gateway's wall clock steps 25 minutes FORWARD under it (libfaketime, monotonic clock untouched) while the
// meter carries a constant load, across a period boundary. The simulator keeps the true time, so its register
// advance is the truth: every record and period arrives, the energy equals the simulator's advance exactly, the
// step raises clock-stepped, and every period the stepped reading spreads energy over is flagged.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeWallClock } from '../../helpers/fake-wall-clock.js';
import { Scenario } from './fault-scenario.js';

const MIN = 60_000;
const SPEED = 300;
const STEP_MS = 25 * MIN;

test('wall clock stepped 25 minutes forward under load: exact energy, stepped periods flagged', async () => {
  const t0 = Date.now();
  const origin = Date.UTC(2026, 2, 1, 0, 0);
  const s = await Scenario.start('clockfwd', SPEED, {}, origin);
  try {
    const fake = FakeWallClock.create(s.dir);
    const gw = s.spawn(fake.env());
    await s.firstReading(gw);
    s.load(true);
    await s.simWaitUntil(origin + 20 * MIN);
    const before = s.tl.clock.now();
    fake.step(STEP_MS / SPEED / 1000);
    await s.simWait(20 * MIN);
    const r = await s.finish(gw, false, STEP_MS);
    const alarms = s.alarms();
    console.log(`${r.summary}; ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    console.log(`clockfwd: alarms ${alarms.join(', ')}; flags ${r.intervals.map((i) => `${i.period.start.slice(11, 16)}:${i.energyWh}:[${i.flags.join(',')}]`).join(' ')}`);
    assert.ok(alarms.includes('clock-stepped:raised'), `no clock-stepped alarm: ${alarms.join(', ')}`);
    // The reading before the step was at most one poll before it; the one after, at most one poll after it.
    const touched = r.intervals.filter((i) => Date.parse(i.period.end) > before - MIN && Date.parse(i.period.start) < before + STEP_MS + MIN);
    assert.ok(touched.length >= 2, 'the step crosses a period boundary');
    for (const i of touched) assert.ok(i.flags.includes('clock-unsynchronised'), `period ${i.period.start} spans the step but is not flagged: ${JSON.stringify(i.flags)}`);
  } finally {
    await s.close();
  }
});

test.run();
