// Full disk with a SIGKILL in the middle: the store's file system fills up for 70 minutes of simulated time, the
// gateway is killed and restarted while it is full, then space returns. Every record and period must arrive and
// the energy must equal the simulator's advance exactly; storage-write-failed records the span.
// full-disk.ts says how the disk is filled (tmpfs, else max_page_count); the run prints which.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exited } from './campaign-helpers.js';
import { Scenario } from './fault-scenario.js';
import { FullDisk } from './full-disk.js';

const MIN = 60_000;

test('70 minutes of full disk with a SIGKILL while full: nothing lost, storage-write-failed recorded', async () => {
  const disk = FullDisk.create();
  console.log(`disk-full: store on ${disk.description}`);
  const s = await Scenario.start('diskfull', 300, { storePath: disk.storePath });
  try {
    let gw = s.spawn(disk.env);
    await s.firstReading(gw);
    s.load(true);
    await s.simWait(40 * MIN);
    disk.fill();
    await s.simWait(35 * MIN);
    gw.kill('SIGKILL');
    await exited(gw);
    gw = s.spawn(disk.env);
    await s.simWait(35 * MIN);
    disk.free();
    await s.simWait(40 * MIN);
    await s.finish(gw);
    const alarms = s.alarms();
    assert.ok(alarms.includes('storage-write-failed:raised'), `writes never failed: ${alarms.join(',')}\n${s.log}`);
  } finally {
    await s.close();
    disk.close();
  }
});

test.run();
