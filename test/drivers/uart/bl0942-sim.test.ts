import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock, systemClock } from '../../../drivers/clock.js';
import { FrameError, TimeoutError } from '../../../drivers/errors.js';
import { Bl0942Driver } from '../../../drivers/uart/bl0942/driver.js';
import { startBl0942Simulator } from '../../../drivers/uart/bl0942/simulator.js';
import { bl0942WhPerCount } from '../../../drivers/uart/bl0942/board.js';
import { openPtyPair } from '../../helpers/pty-pair.js';
import { openPtyRig } from '../../helpers/pty-rig.js';
import { rejection } from './reject.js';
import { CROSS_CHECK_POINTS, crossCheck, describe } from '../../../drivers/sim/energy-agreement.js';

test('BL0942 driver reads a simulated chip over a pty with wire timing', async () => {
  const { sim, drv, close } = await openPtyRig(
    (b) => startBl0942Simulator({ listen: { serial: b }, clock: systemClock, profile: 'constant', ratingW: 1000, initialImportWh: 1000 }),
    (a) => Bl0942Driver.open({ serial: a }, { clock: systemClock }),
  );
  try {
    const t0 = Date.now();
    const s = await drv.sample();
    const took = Date.now() - t0;
    // 25 bytes at 4800 8N1 take 52 ms on the wire: the simulator must not answer faster.
    assert.ok(took >= 50, `reply after ${took} ms`);
    assert.ok(Math.abs(s.instant.powerW! - 1000) < 2, `P = ${s.instant.powerW}`);
    assert.ok(Math.abs(s.instant.voltageV![0]! - 230) < 1);
    assert.is(s.absoluteEnergy!.counterBits, 24);
    assert.equal(s.absoluteEnergy!.whPerCount, bl0942WhPerCount());
    // 1000 Wh = 3.6e6 J; one pulse = 1638.4 x 256 / PREF J (datasheet CF period) = 703.74 J: 5115 pulses.
    assert.ok(s.absoluteEnergy!.value >= 5115n && s.absoluteEnergy!.value < 5125n, `${s.absoluteEnergy!.value}`);
    assert.is(s.frameErrors, 0);
  } finally {
    await close();
  }
});

test('BL0942 checksum errors are counted and retried; no reply times out; counter wraps at 2^24', async () => {
  const pair = await openPtyPair();
  // 2^24 pulses of 1638.4 x 256 / 596 J = 3279.7 kWh: start half a pulse below the wrap.
  const startWh = ((0x1000000 - 0.5) * 1638.4 * 256) / 596 / 3600;
  const sim = await startBl0942Simulator({
    listen: { serial: pair.b }, clock: systemClock, profile: 'constant', ratingW: 3_600_000, initialImportWh: startWh,
  });
  // Every fault but timeoutRate answers: a timeout long enough for a loaded machine keeps those replies counted as
  // frame errors (it costs only the timeoutRate step, 4 x 400 ms).
  const drv = await Bl0942Driver.open({ serial: pair.a }, { clock: systemClock, retries: 3, timeoutMs: 400 });
  try {
    sim.setFaults({ crcErrorRate: 1 });
    assert.instance(await rejection(drv.sample()), Error);
    assert.is(drv.rejectedFrames, 4);
    // Garbage instead of every reply: each attempt is rejected and counted, none becomes energy.
    sim.setFaults({ garbageRate: 1 });
    const g = await rejection(drv.sample());
    assert.instance(g, FrameError);
    assert.is(drv.rejectedFrames, 8);
    assert.is((g as FrameError).context.frameErrors, 4);
    sim.setFaults({});
    const s = await drv.sample();
    // 3.6 MW for a few hundred ms moves hundreds of Wh: the counter has wrapped to a small value.
    assert.ok(s.absoluteEnergy!.value < 0x100000n, `wrapped value ${s.absoluteEnergy!.value}`);
    sim.setFaults({ timeoutRate: 1 });
    assert.instance(await rejection(drv.sample()), TimeoutError);
    sim.setFaults({ frozen: true });
    const a = await drv.sample();
    await drv.sample(); // real time passes (two replies' wire time): an unfrozen counter at 3.6 MW would move
    const b = await drv.sample();
    assert.is(a.absoluteEnergy!.value, b.absoluteEnergy!.value);
    sim.setFaults({});
    sim.resetRegisters();
    const c = await drv.sample();
    assert.ok(c.absoluteEnergy!.value < 2000n, `after reset ${c.absoluteEnergy!.value}`);
  } finally {
    await drv.close();
    await sim.close();
    await pair.close();
  }
});

test('BL0942 simulator: register writes need USR_WRPROT = 0x55, register reads answer with a checksum', async () => {
  const { SerialLine } = await import('../../../drivers/uart/serial-line.js');
  const c = await import('../../../drivers/uart/bl0942/codec.js');
  const pair = await openPtyPair();
  const sim = await startBl0942Simulator({ listen: { serial: pair.b }, clock: systemClock, profile: 'constant', wireTiming: false });
  const line = await SerialLine.open({ path: pair.a, baud: 4800, parity: 'none', dataBits: 8, stopBits: 1 });
  const readMode = async () => {
    line.flushInput();
    await line.write(c.encodeBl0942ReadRequest(c.BL0942_REG.MODE));
    return c.decodeBl0942RegisterReply(await line.read(4, 200), c.BL0942_REG.MODE);
  };
  try {
    const before = await readMode();
    await line.write(c.encodeBl0942Write(c.BL0942_REG.MODE, 0x287));
    assert.is(await readMode(), before, 'locked write ignored');
    await line.write(c.encodeBl0942Write(c.BL0942_REG.USR_WRPROT, c.BL0942_UNLOCK));
    await line.write(c.encodeBl0942Write(c.BL0942_REG.MODE, 0x287));
    assert.is(await readMode(), 0x287);
  } finally {
    await line.close();
    await sim.close();
    await pair.close();
  }
});

test('BL0942 physics: CF_CNT advance x Wh per pulse agrees with the integral of WATT over an hour at three loads', async () => {
  const clock = new ManualClock(0);
  const { sim, drv, close } = await openPtyRig(
    (b) => startBl0942Simulator({ listen: { serial: b }, clock, profile: 'constant' }),
    (a) => Bl0942Driver.open({ serial: a }, { clock }),
  );
  try {
    for (const c of CROSS_CHECK_POINTS) {
      const a = await crossCheck({ clock, sim, drv, point: c.point, durationMs: 3_600_000, steps: 6 });
      assert.ok(a.ok, `${c.name}: ${describe(a)}`);
    }
  } finally {
    await close();
  }
});

test.run();
