// The gateway's wall clock steps 2 minutes BACK under it (libfaketime, monotonic clock untouched) just after a
// period boundary, under a constant load: readings stamped before the last accepted one are held, none is
// counted twice or dropped. The simulator keeps the true time, so its register advance is the truth: every
// record and period arrives, the energy equals the simulator's advance exactly (the issue once lost 19 Wh here),
// clock-stepped and clock-unsynchronised are raised, and the periods of the step that counts the held energy
// are flagged clock-unsynchronised.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeWallClock } from '../../helpers/fake-wall-clock.js';
import { Scenario } from './fault-scenario.js';

const MIN = 60_000;
const SPEED = 300;
const STEP_MS = -2 * MIN;

test('wall clock stepped 2 minutes back under load: nothing lost or doubled, held step flagged', async () => {
  const t0 = Date.now();
  const origin = Date.UTC(2026, 2, 1, 0, 0);
  const s = await Scenario.start('clockback', SPEED, {}, origin);
  try {
    const fake = FakeWallClock.create(s.dir);
    const gw = s.spawn(fake.env());
    await s.firstReading(gw);
    s.load(true);
    // One minute after 00:30 the gateway has closed 00:00-00:30; the step takes it back before that boundary.
    await s.simWaitUntil(origin + 31 * MIN);
    const stepAt = s.tl.clock.now();
    fake.step(STEP_MS / SPEED / 1000);
    await s.simWait(25 * MIN);
    const r = await s.finish(gw, false, STEP_MS);
    const alarms = s.alarms();
    console.log(`${r.summary}; ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    console.log(`clockback: alarms ${alarms.join(', ')}; flags ${r.intervals.map((i) => `${i.period.start.slice(11, 16)}:${i.energyWh}:[${i.flags.join(',')}]`).join(' ')}`);
    for (const a of ['clock-stepped:raised', 'clock-unsynchronised:raised', 'clock-unsynchronised:cleared']) assert.ok(alarms.includes(a), `no ${a}: ${alarms.join(', ')}`);
    // Held readings end when the gateway clock passes the last accepted one (about stepAt): the counting step
    // ends within a poll after that and lies in the 00:30 period.
    const flagged = r.intervals.filter((i) => i.flags.includes('clock-unsynchronised')).map((i) => i.period.start);
    const expected = r.intervals.filter((i) => Date.parse(i.period.start) <= stepAt && Date.parse(i.period.end) > stepAt).map((i) => i.period.start);
    assert.equal(flagged, expected, 'the period holding the step that counted the held readings is flagged, and only it');
  } finally {
    await s.close();
  }
});

test.run();
