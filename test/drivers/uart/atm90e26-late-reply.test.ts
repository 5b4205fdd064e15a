// ATM90E26 read-and-clear energy with a slow chip: the chip clears APenergy when the request arrives, so a reply that
// comes after the client's timeout still carries energy that exists nowhere else. Oracle: the sum of the deltas the
// driver accumulated equals the simulated energy exactly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../../drivers/clock.js';
import { Atm90e26Driver } from '../../../drivers/uart/atm90e26/driver.js';
import { startAtm90e26Simulator, type RunningAtm90e26Simulator } from '../../../drivers/uart/atm90e26/simulator.js';
import { ATM90E26_REG } from '../../../drivers/uart/atm90e26/registers.js';
import { openPtyRig } from '../../helpers/pty-rig.js';
import { waitFor } from '../../helpers/wait-for.js';

const HOUR = 3_600_000;
/** 1000 W for an hour at the default board (3200 pulses/kWh, counts of 0.1 pulse). */
const COUNTS_PER_HOUR = 32_000n;

/**
 * Makes the chip slow on chosen replies: `late(reg)` arms one slow reply for the next read of `reg`. The simulator
 * draws the reply's delay right after the chip model answered the read, so the faults set here apply to that reply.
 */
function slowOn(sim: RunningAtm90e26Simulator) {
  const armed: number[] = [];
  const read = sim.chip.read.bind(sim.chip);
  sim.chip.read = (addr: number) => {
    const v = read(addr);
    const i = armed.indexOf(addr);
    if (i >= 0) armed.splice(i, 1);
    sim.setFaults(i >= 0 ? { slowMs: 400 } : {});
    return v;
  };
  return { late: (reg: number) => void armed.push(reg) };
}

/** Resolves once the driver's line holds `n` unread bytes: every reply still on its way has arrived. */
const repliesArrived = (drv: Atm90e26Driver, n: number): Promise<void> =>
  waitFor(() => drv.client.line.buffered >= n, `${n} late reply bytes (${drv.client.line.buffered} arrived)`);

async function rig() {
  const clock = new ManualClock(0);
  const r = await openPtyRig(
    (b) => startAtm90e26Simulator({ listen: { serial: b }, clock, profile: 'constant', ratingW: 1000 }),
    // The driver's defaults: the 100 ms reply timeout that used to drop a late read-and-clear reply.
    (a) => Atm90e26Driver.open({ serial: a }, { clock }),
  );
  return { ...r, clock, slow: slowOn(r.sim) };
}

test('a read-and-clear reply that arrives 400 ms late (after the 100 ms timeout) is still accounted', async () => {
  const { drv, clock, slow, close } = await rig();
  try {
    assert.is((await drv.sample()).energy.import!.value, 0n);
    await clock.advance(HOUR);
    slow.late(ATM90E26_REG.APenergy); // the reply is late; the chip cleared the register when the request arrived
    const late = await drv.sample().catch((e: Error) => e);
    // A sample that gave up has three requests' replies still coming: let them all arrive before the next sample.
    if (late instanceof Error) await repliesArrived(drv, 9);
    await clock.advance(HOUR);
    const after = await drv.sample();
    assert.is(after.energy.import!.value, 2n * COUNTS_PER_HOUR, `lost a cleared delta (the late sample: ${late instanceof Error ? late.message : 'ok'})`);
    assert.is(after.energy.export!.value, 0n);
    assert.instance(late, Object);
    assert.ok(!(late instanceof Error), 'the sample with the late energy reply succeeds');
    assert.is(drv.client.stats.lateReplies, 1);
  } finally {
    await close();
  }
});

test('a late reply to an ordinary read is not taken for the next request (PowerF late: energy stays exact)', async () => {
  const { drv, clock, slow, close } = await rig();
  try {
    await drv.sample();
    await clock.advance(HOUR);
    slow.late(ATM90E26_REG.PowerF);
    const s = await drv.sample().catch((e: Error) => e);
    await clock.advance(HOUR);
    const after = await drv.sample();
    assert.is(after.energy.import!.value, 2n * COUNTS_PER_HOUR, `energy invented or lost (the late sample: ${s instanceof Error ? s.message : 'ok'})`);
    assert.is(after.energy.export!.value, 0n);
    assert.ok(!(s instanceof Error), 'the sample with the late PowerF reply succeeds after its retry');
    assert.is(after.instant.powerFactor, 1);
  } finally {
    await close();
  }
});

test.run();
