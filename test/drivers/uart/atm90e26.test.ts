import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../../drivers/clock.js';
import { DeviceError } from '../../../drivers/errors.js';
import { rational } from '../../../drivers/rational.js';
import { Atm90e26Driver } from '../../../drivers/uart/atm90e26/driver.js';
import { startAtm90e26Simulator } from '../../../drivers/uart/atm90e26/simulator.js';
import { UNCALIBRATED_CHIP_ERRORS } from '../../../drivers/uart/atm90e26/chip-model.js';
import {
  ATM90E26_UNITY_CALIBRATION,
  correctedCalibration,
  readCalibration,
  writeCalibration,
} from '../../../drivers/uart/atm90e26/calibration.js';
import { ATM90E26_REG } from '../../../drivers/uart/atm90e26/registers.js';
import { openPtyPair } from '../../helpers/pty-pair.js';
import { openPtyRig } from '../../helpers/pty-rig.js';
import { rejection } from './reject.js';
import { CROSS_CHECK_POINTS, crossCheck, describe } from '../../../drivers/sim/energy-agreement.js';

const HOUR = 3_600_000;

test('ATM90E26 read-and-clear energy is accumulated exactly, also through garbled replies (LastData)', async () => {
  const clock = new ManualClock(0);
  const { sim, drv, close } = await openPtyRig(
    (b) => startAtm90e26Simulator({ listen: { serial: b }, clock, profile: 'constant', ratingW: 1000 }),
    // A reply timeout well above a loaded machine's scheduling delay: a late reply would otherwise count as lost.
    (a) => Atm90e26Driver.open({ serial: a }, { clock, retries: 4, timeoutMs: 1000 }),
  );
  try {
    let s = await drv.sample();
    assert.is(s.energy.import!.value, 0n);
    assert.is(s.energy.import!.accumulatedByDriver, true);
    assert.is(s.energy.import!.counterBits, null);
    assert.equal(s.energy.import!.whPerCount, rational(100n, 3200n));
    await clock.advance(HOUR); // 1000 Wh = 3200 pulses = 32000 counts of 0.1 pulse
    s = await drv.sample();
    assert.is(s.energy.import!.value, 32000n);
    assert.ok(Math.abs(s.instant.powerW! - 1000) <= 1);
    assert.ok(Math.abs(s.instant.voltageV![0]! - 230) < 1);
    assert.is(s.instant.powerFactor, 1);
    // Half the replies garbled: energy is recovered from LastData, none lost or doubled. (Random garbage
    // passes an 8-bit checksum 1 time in 256, so exactness is asserted with checksum faults only.)
    sim.setFaults({ crcErrorRate: 0.5 });
    let errors = 0;
    for (let i = 0; i < 4; i++) {
      await clock.advance(HOUR / 4);
      const r = await drv.sample().catch(() => null);
      if (r) errors += r.frameErrors;
    }
    sim.setFaults({});
    s = await drv.sample();
    errors += s.frameErrors;
    assert.ok(errors > 0, 'faults were injected');
    assert.is(s.energy.import!.value, 64000n);
    assert.ok(drv.client.stats.recovered > 0);
    // Lost requests (no reply) are retried; after the retries the sample fails with a timeout.
    sim.setFaults({ timeoutRate: 1 });
    assert.match((await rejection(drv.sample())).name, /TimeoutError/);
    sim.setFaults({});
    await clock.advance(HOUR);
    assert.is((await drv.sample()).energy.import!.value, 96000n);
  } finally {
    await close();
  }
});

test('ATM90E26 export energy and a register reset', async () => {
  const clock = new ManualClock(0);
  const { sim, drv, close } = await openPtyRig(
    (b) => startAtm90e26Simulator({ listen: { serial: b }, clock, profile: 'constant', ratingW: -2000 }),
    (a) => Atm90e26Driver.open({ serial: a }, { clock, timeoutMs: 1000 }),
  );
  try {
    await drv.sample();
    await clock.advance(HOUR / 2);
    const s = await drv.sample();
    assert.is(s.energy.export!.value, 32000n);
    assert.is(s.energy.import!.value, 0n);
    assert.ok(s.instant.powerW! < -1900);
  } finally {
    await close();
  }
});

test('ATM90E26 calibration: a chip with gain and phase errors is corrected through the registers', async () => {
  const pair = await openPtyPair();
  const clock = new ManualClock(0);
  const sim = await startAtm90e26Simulator({ listen: { serial: pair.b }, clock, profile: 'constant', ratingW: 1000, chipErrors: UNCALIBRATED_CHIP_ERRORS });
  const drv = await Atm90e26Driver.open({ serial: pair.a }, { clock, timeoutMs: 1000 });
  const c = drv.client;
  try {
    // Writing a calibration register without opening the block does not take.
    await c.writeRegister(ATM90E26_REG.Lgain, 0x7000);
    assert.is(await c.readRegister(ATM90E26_REG.Lgain), 0x8000);

    sim.physical.force({ voltageV: 230, currentA: 20, phaseDeg: 0, frequencyHz: 50 });
    let s = await drv.sample();
    const eU = s.instant.voltageV![0]! / 230 - 1;
    const eI = s.instant.currentA![0]! / 20 - 1;
    const eP = s.instant.powerW! / 4600 - 1;
    assert.ok(Math.abs(eP - 0.02) < 0.001, `power error before ${eP}`);
    sim.physical.force({ voltageV: 230, currentA: 20, phaseDeg: 60, frequencyHz: 50 });
    s = await drv.sample();
    const ratio = s.instant.powerW! / (2300 * (1 + eP));
    const phaseDeg = (Math.acos(Math.min(1, ratio * 0.5)) * 180) / Math.PI - 60;
    assert.ok(Math.abs(phaseDeg - 0.6) < 0.05, `phase error ${phaseDeg}`);

    const cal = correctedCalibration(ATM90E26_UNITY_CALIBRATION, { voltage: eU, current: eI, power: eP, phaseDeg });
    await writeCalibration(c, cal);
    const back = await readCalibration(c);
    assert.is(back.Lgain, cal.Lgain);
    assert.is(back.SysStatus & 0xf000, 0);

    s = await drv.sample();
    assert.ok(Math.abs(s.instant.powerW! - 2300) <= 2, `P at PF 0.5 after calibration ${s.instant.powerW}`);
    sim.physical.force({ voltageV: 230, currentA: 20, phaseDeg: 0, frequencyHz: 50 });
    s = await drv.sample();
    assert.ok(Math.abs(s.instant.powerW! - 4600) <= 2, `P at PF 1 after calibration ${s.instant.powerW}`);
    assert.ok(Math.abs(s.instant.voltageV![0]! - 230) <= 0.02);
    assert.ok(Math.abs(s.instant.currentA![0]! - 20) <= 0.002);
    // Energy follows the corrected gain: one hour at 4600 W = 4600 Wh = 147200 counts (within rounding of Lgain).
    const before = s.energy.import!.value;
    await clock.advance(HOUR / 4);
    s = await drv.sample();
    const wh = Number(s.energy.import!.value - before) / 32;
    assert.ok(Math.abs(wh - 1150) < 1.5, `energy ${wh} Wh, expected 1150`);

    // A wrong CS1 is flagged in SysStatus and reported by writeCalibration's check.
    await c.writeRegister(ATM90E26_REG.CalStart, 0x5678);
    await c.writeRegister(ATM90E26_REG.CS1, 0x1234);
    await c.writeRegister(ATM90E26_REG.CalStart, 0x8765);
    const st = await c.readRegister(ATM90E26_REG.SysStatus);
    assert.ok(st & 0xc000, 'CalErr set');
  } finally {
    await drv.close();
    await sim.close();
    await pair.close();
  }
});

test('ATM90E26 physics: APenergy advance agrees with the integral of Pmean over an hour at three loads', async () => {
  const clock = new ManualClock(0);
  const { sim, drv, close } = await openPtyRig(
    (b) => startAtm90e26Simulator({ listen: { serial: b }, clock, profile: 'constant' }),
    (a) => Atm90e26Driver.open({ serial: a }, { clock, timeoutMs: 1000 }),
  );
  try {
    for (const c of CROSS_CHECK_POINTS) {
      const a = await crossCheck({ clock, sim, drv, point: c.point, durationMs: HOUR, steps: 6, register: (s) => s.energy.import! });
      assert.ok(a.ok, `${c.name}: ${describe(a)}`);
    }
  } finally {
    await close();
  }
});

test('writeCalibration throws DeviceError when a register does not read back', async () => {
  const regs = new Map<number, number>();
  const stuck = {
    async readRegister(a: number) {
      return a === ATM90E26_REG.Ugain ? 0x1111 : regs.get(a) ?? 0;
    },
    async writeRegister(a: number, v: number) {
      regs.set(a, v);
    },
  };
  const e = await rejection(writeCalibration(stuck, ATM90E26_UNITY_CALIBRATION));
  assert.instance(e, DeviceError);
  assert.match(e.message, /Ugain reads back 0x1111/);
});

// Issue 9: the two energy replies (read-and-clear) come first; the five instantaneous reads after them must not
// move the stamp. Each reply here takes clock time while it is in flight (700 ms energy, 500 ms the others).
test('ATM90E26: a sample is stamped with the clock at the second energy reply, not after the instantaneous reads', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const { drv, close } = await openPtyRig(
    (b) => startAtm90e26Simulator({ listen: { serial: b }, clock, profile: 'constant', ratingW: 1000 }),
    (a) => Atm90e26Driver.open({ serial: a }, { clock, timeoutMs: 1000 }),
  );
  try {
    const c = drv.client;
    const readAndClear = c.readAndClear.bind(c);
    const readRegister = c.readRegister.bind(c);
    c.readAndClear = async (addr) => {
      const v = await readAndClear(addr);
      clock.set(clock.now() + 700);
      return v;
    };
    c.readRegister = async (addr) => {
      const v = await readRegister(addr);
      clock.set(clock.now() + 500);
      return v;
    };
    const t0 = clock.now();
    const s = await drv.sample();
    assert.is(s.at, t0 + 2 * 700);
    assert.is(clock.now(), t0 + 2 * 700 + 5 * 500);
  } finally {
    await close();
  }
});

test.run();
