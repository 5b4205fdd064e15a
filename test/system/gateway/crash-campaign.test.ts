// Crash campaign: the gateway runs as a child process on a fast shared clock against the real Mosquitto and a
// simulated SDM630, and is SIGKILLed at random instants over and over. Afterwards the head-end must hold every
// record of the chain exactly once by id, every half-hour contiguous, and interval energy must equal the
// register advance it spans.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogEntry } from '../../../drivers/catalog.js';
import { parseDecimal, floor, mul, rational } from '../../../drivers/rational.js';
import { bundleGateway, exited, HeadEnd, judge, spawnGateway, timeline, writeConfig } from './campaign-helpers.js';

const KILLS = Number(process.env.CRASH_KILLS ?? 100);
const SPEED = 300;

test(`gateway survives ${KILLS} SIGKILLs without losing or duplicating an interval`, async () => {
  bundleGateway();
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-crash-'));
  const deviceId = `crash-${process.pid}-${Date.now() % 100000}`;
  const tl = timeline(SPEED, Date.UTC(2026, 2, 1, 0, 0));
  const sim = await catalogEntry('sdm630').startSimulator({ listen: { tcp: '127.0.0.1:0' }, unit: 1, clock: tl.clock, profile: 'constant', ratingW: 7000 });
  const port = Number(sim.address.split(':').pop());
  const config = writeConfig(dir, deviceId, port);
  const head = await HeadEnd.start(deviceId);
  const simStartWh = sim.physical.state().importWh;
  const t0 = Date.now();
  let log = '';
  try {
    for (let i = 0; i < KILLS; i++) {
      const child = spawnGateway(config, SPEED, tl.origin, (s) => (log = (log + s).slice(-4000)));
      // One kill in ten lands during start-up; the others at a random instant after the store is open.
      if (Math.random() < 0.1) await new Promise((r) => setTimeout(r, Math.random() * 1000));
      else {
        await new Promise((r) => child.once('started', r));
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 1400));
      }
      child.kill('SIGKILL');
      await exited(child);
    }
    // A last run drains everything, then stops cleanly.
    const child = spawnGateway(config, SPEED, tl.origin, (s) => (log = (log + s).slice(-4000)));
    await new Promise((r) => setTimeout(r, 6000));
    child.kill('SIGTERM');
    await exited(child);
    await new Promise((r) => setTimeout(r, 500));
    const simEndWh = sim.physical.state().importWh;
    const v = judge(head.received, 1_800_000);
    const seconds = ((Date.now() - t0) / 1000).toFixed(0);
    // Every half-hour from the first reading to the last must be there: all but the partial first and the open last.
    const expected = Math.floor((tl.clock.now() - Date.UTC(2026, 2, 1, 0, 0)) / 1_800_000) - 2;
    assert.ok(v.intervals.length >= expected, `${v.intervals.length} intervals arrived, expected at least ${expected}; gateway output:\n${log}`);
    const sum = v.intervals.reduce((a, r) => a + r.energyWh, 0);
    const first = v.intervals[0]!;
    const last = v.intervals[v.intervals.length - 1]!;
    const unit = parseDecimal(first.register.whPerCount.includes('/') ? '1' : first.register.whPerCount);
    const spanWh = Number(floor(mul(rational(BigInt(last.register.end)), unit)) - floor(mul(rational(BigInt(first.register.start)), unit)));
    console.log(
      `crash campaign: ${KILLS} SIGKILLs in ${seconds} s; ${v.records} distinct records (max seq ${head.maxSeq()}), ` +
        `${v.duplicatesOnWire} duplicate deliveries; ${v.intervals.length} half-hours ${first.period.start}..${last.period.end}; ` +
        `sum ${sum} Wh, register span ${spanWh} Wh, simulator advanced ${(simEndWh - simStartWh).toFixed(0)} Wh`,
    );
    assert.equal(v.problems, [], v.problems.slice(0, 10).join('\n') + `\n${log}`);
    assert.equal(sum, spanWh, 'intervals sum to the register advance they span');
    assert.ok(sum <= simEndWh - simStartWh + 10, 'no more energy than the simulator registered');
  } finally {
    await head.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
