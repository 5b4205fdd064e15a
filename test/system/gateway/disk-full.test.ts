// Full disk with SIGKILLs: the store's file system is full for about an hour of simulated time while the gateway
// is killed at random instants over and over (one kill in three during start-up, on the full disk), and once more
// just after space returns. Every record and period must arrive, none twice with different content, the energy
// must equal the simulator's advance exactly, and storage-write-failed records the failure.
// full-disk.ts says how the disk is filled (a tmpfs, else max_page_count); the run prints which.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exited } from './campaign-helpers.js';
import { Scenario } from './fault-scenario.js';
import { FullDisk } from './full-disk.js';

const MIN = 60_000;
const KILLS = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test(`full disk with ${KILLS} SIGKILLs while full and one as space returns: nothing lost, storage-write-failed recorded`, async () => {
  const t0 = Date.now();
  const disk = FullDisk.create();
  const s = await Scenario.start('diskfull', 300, { storePath: disk.storePath });
  try {
    let gw = s.spawn(disk.env);
    await s.firstReading(gw);
    s.load(true);
    await s.simWait(25 * MIN);
    disk.fill();
    const fullFrom = s.tl.clock.now();
    for (let i = 0; i < KILLS; i++) {
      if (i % 3 === 0) await sleep(Math.random() * 800);
      else {
        await s.started(gw);
        await sleep(300 + Math.random() * 1500);
      }
      gw.kill('SIGKILL');
      await exited(gw);
      gw = s.spawn(disk.env);
    }
    await s.started(gw);
    await s.simWait(5 * MIN);
    const fullMin = (s.tl.clock.now() - fullFrom) / MIN;
    disk.free();
    await sleep(Math.random() * 500);
    gw.kill('SIGKILL');
    await exited(gw);
    gw = s.spawn(disk.env);
    await s.started(gw);
    await s.simWait(30 * MIN);
    const r = await s.finish(gw);
    const alarms = s.alarms();
    console.log(`${r.summary}; disk full ${fullMin.toFixed(0)} simulated min on ${disk.description}; ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.ok(alarms.includes('storage-write-failed:raised'), `writes never failed: ${alarms.join(',')}\n${s.log}`);
  } finally {
    await s.close();
    disk.close();
  }
});

test.run();
