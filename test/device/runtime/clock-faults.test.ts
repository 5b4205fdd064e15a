// Clock faults against the meter's truth: energy follows true time (the FakeMeter's clock), readings are stamped by
// the gateway's wall clock, which may be behind the store after a restart, step back while running, or be late
// for a read (a stall between stamping and reading). No count may be lost; every interval whose energy differs
// from what a constant load gives in a correctly timed half-hour must carry a flag that says why.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { ManualClock, type Clock } from '../../../drivers/clock.js';
import { Gateway } from '../../../device/runtime/gateway.js';
import type { IntervalRecord } from '../../../device/records/record-types.js';
import { FakeMeter } from './fake-meter.js';
import { audit, faultConfig, fillStore, freeStore, root, run } from './fault-helpers.js';

const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);
const MIN = 60_000;

class OffsetClock implements Clock {
  offsetMs = 0;
  constructor(private readonly base: ManualClock) {}
  now(): number {
    return this.base.now() + this.offsetMs;
  }
  sleep(ms: number): Promise<void> {
    return this.base.sleep(ms);
  }
}

function setup(powerW: number) {
  const cfg = faultConfig();
  const truth = new ManualClock(T0);
  const wall = new OffsetClock(truth);
  const meter = new FakeMeter(truth);
  meter.stampClock = wall;
  meter.powerW = powerW;
  const gateway = () => new Gateway({ config: cfg, clock: wall, monotonicMs: () => truth.now(), openMeter: meter.opener(), brokerUrl: null });
  return { cfg, truth, wall, meter, gateway };
}

/** Full half-hours after the first that do not hold `expectWh` must say why. */
function unflaggedOdd(ivs: IntervalRecord[], expectWh: number): string[] {
  return ivs.slice(1).filter((r) => r.energyWh !== expectWh && r.flags.length === 0).map((r) => `${r.period.start} ${r.energyWh} Wh unflagged`);
}

test('restart with the clock 20 minutes behind the store: no energy lost, the catch-up period flagged', async () => {
  const { cfg, truth, wall, gateway } = setup(3000);
  let gw = gateway();
  await gw.start();
  await run(truth, 68 * MIN);
  // Power cut: memory since the last periodic write (01:05) is gone, the store holds the 01:05 reading.
  (gw as unknown as { running: boolean }).running = false;
  gw.store.close();
  wall.offsetMs = -20 * MIN; // a board without RTC, before NTP: restarts 20 minutes in the past
  gw = gateway();
  await gw.start();
  await run(truth, 120 * MIN);
  await gw.stop();
  const a = audit(cfg.storePath);
  const lastEndWall = Date.parse(a.intervals[a.intervals.length - 1]!.period.end);
  // Physics: 3 kW of true time from T0; the last boundary's reading is true time lastEnd + 20 min.
  assert.is(a.sumWh, a.spanWh);
  assert.is(a.sumWh, Math.floor((3000 * (lastEndWall + 20 * MIN - T0)) / 3_600_000) - 8);
  assert.equal(unflaggedOdd(a.intervals, 1500), []);
  const catchUp = a.intervals.find((r) => r.period.start === '2026-01-05T01:00:00Z')!;
  assert.ok(catchUp.flags.includes('clock-unsynchronised'), JSON.stringify(catchUp.flags));
  assert.ok(!a.alarms.includes('counter-reset:raised'), a.alarms.join(','));
});

test('clock stepped back 2 minutes while running: no energy lost, affected period flagged', async () => {
  const { cfg, truth, wall, gateway } = setup(7000);
  const gw = gateway();
  await gw.start();
  await run(truth, 40 * MIN);
  wall.offsetMs = -2 * MIN;
  await run(truth, 60 * MIN);
  await gw.stop();
  const a = audit(cfg.storePath);
  const lastEndWall = Date.parse(a.intervals[a.intervals.length - 1]!.period.end);
  assert.is(a.sumWh, a.spanWh);
  assert.is(a.sumWh, Math.floor((7000 * (lastEndWall + 2 * MIN - T0)) / 3_600_000) - 19);
  assert.equal(unflaggedOdd(a.intervals, 3500), []);
  assert.ok(a.alarms.includes('clock-stepped:raised'), a.alarms.join(','));
});

test('clock stepped 25 minutes forward while running: no energy lost, every period the step spans flagged', async () => {
  const { cfg, truth, wall, gateway } = setup(7000);
  const gw = gateway();
  await gw.start();
  await run(truth, 20 * MIN);
  wall.offsetMs = 25 * MIN; // wall 00:20 -> 00:45: the step's energy is spread over 00:20-00:45 by wall time
  await run(truth, 60 * MIN);
  await gw.stop();
  const a = audit(cfg.storePath);
  const lastEndWall = Date.parse(a.intervals[a.intervals.length - 1]!.period.end);
  assert.is(a.sumWh, a.spanWh);
  assert.is(a.sumWh, Math.floor((7000 * (lastEndWall - 25 * MIN - T0)) / 3_600_000) - 19);
  assert.ok(a.alarms.includes('clock-stepped:raised'), a.alarms.join(','));
  const spanned = a.intervals.filter((r) => r.period.start === '2026-01-05T00:00:00Z' || r.period.start === '2026-01-05T00:30:00Z');
  assert.is(spanned.length, 2);
  for (const r of spanned) assert.ok(r.flags.includes('clock-unsynchronised'), `${r.period.start}: ${JSON.stringify(r.flags)}`);
  const after = a.intervals.filter((r) => Date.parse(r.period.start) >= Date.parse('2026-01-05T01:00:00Z'));
  assert.ok(after.every((r) => !r.flags.includes('clock-unsynchronised')), 'periods after the step are not flagged');
});

test('clock stepped forward while the store is full: the flag survives the rolled-back samples', async () => {
  const { cfg, truth, wall, gateway } = setup(7000);
  const gw = gateway();
  await gw.start();
  await run(truth, 20 * MIN);
  fillStore(gw);
  wall.offsetMs = 25 * MIN;
  await run(truth, 3 * MIN);
  freeStore(gw);
  await run(truth, 60 * MIN);
  await gw.stop();
  const a = audit(cfg.storePath);
  assert.is(a.sumWh, a.spanWh);
  const stepped = a.intervals.find((r) => r.period.start === '2026-01-05T00:30:00Z')!;
  assert.ok(stepped.flags.includes('clock-unsynchronised'), JSON.stringify(stepped.flags));
  assert.ok(a.alarms.includes('storage-write-failed:raised'), a.alarms.join(','));
  // The step was seen while nothing could be written: its alarm is recorded once space returns, once.
  assert.is(a.alarms.filter((x) => x === 'clock-stepped:raised').length, 1, a.alarms.join(','));
});

test('a read stamped before a stall: the forward step is counted, flagged implausible-advance, alarm pulsed', async () => {
  const { cfg, truth, meter, gateway } = setup(30_000);
  const gw = gateway();
  await gw.start();
  await run(truth, 45 * MIN);
  meter.stampLagMs = 9_000; // stamped 9 s before its energy was read: 10 s of energy in 1 s of stamps at 30 kW
  await run(truth, 50 * MIN);
  await gw.stop();
  const a = audit(cfg.storePath);
  assert.is(a.sumWh, a.spanWh);
  const lastEnd = Date.parse(a.intervals[a.intervals.length - 1]!.period.end);
  assert.is(a.sumWh, Math.floor((30_000 * (lastEnd - T0)) / 3_600_000) - 83);
  const hit = a.intervals.find((r) => r.period.start === '2026-01-05T00:30:00Z')!;
  assert.ok(hit.flags.includes('implausible-advance'), JSON.stringify(hit.flags));
  assert.ok(a.alarms.includes('implausible-advance:raised'), a.alarms.join(','));
  assert.ok(!a.alarms.includes('counter-reset:raised'), a.alarms.join(','));
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
