import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../../drivers/clock.js';
import { FrameError, TimeoutError } from '../../../drivers/errors.js';
import { rational } from '../../../drivers/rational.js';
import { Iec62056Driver } from '../../../drivers/iec62056/driver.js';
import { startIec62056Simulator } from '../../../drivers/iec62056/simulator.js';
import { openPtyPair } from '../../helpers/pty-pair.js';
import { openPtyRig } from '../../helpers/pty-rig.js';
import { CROSS_CHECK_POINTS, crossCheck, describe } from '../../../drivers/sim/energy-agreement.js';

const HOUR = 3_600_000;

async function errorOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

test('mode C readout with 300-baud sign-on timing, energy as exact Wh counts', async () => {
  const pair = await openPtyPair();
  const clock = new ManualClock(0);
  const sim = await startIec62056Simulator({
    listen: { serial: pair.b }, clock, profile: 'constant', ratingW: 3000, initialImportWh: 1234567, initialExportWh: 12345,
  });
  const drv = await Iec62056Driver.open({ serial: pair.a }, { clock });
  try {
    const t0 = Date.now();
    const s = await drv.sample();
    const took = Date.now() - t0;
    // Sign-on (5 bytes) + identification (~17 bytes) + ACK (6 bytes) at 300 baud 7E1 alone are ~930 ms.
    assert.ok(took >= 900, `readout took only ${took} ms: 300-baud timing not simulated`);
    assert.is(s.energy.import!.value, 1234567n);
    assert.equal(s.energy.import!.whPerCount, rational(1n));
    assert.is(s.energy.export!.value, 12345n);
    assert.is(s.energy.import!.counterBits, null);
    assert.ok(Math.abs(s.instant.powerW! - 3000) < 1);
    assert.is(s.instant.voltageV!.length, 3);
    assert.is(s.instant.frequencyHz! > 49 && s.instant.frequencyHz! < 51, true);
    const id = await drv.identify();
    assert.equal(id, { vendor: 'AMS', model: 'amsgate-sim', serial: 'AMS00000001' });
  } finally {
    await drv.close();
    await sim.close();
    await pair.close();
  }
});

test('BCC errors are rejected and counted, no reply times out, reset and frozen registers', async () => {
  const clock = new ManualClock(0);
  const { sim, drv, close } = await openPtyRig(
    (b) => startIec62056Simulator({ listen: { serial: b }, clock, profile: 'constant', ratingW: 1000, wireTiming: false }),
    (a) => Iec62056Driver.open({ serial: a }, { clock, retries: 1, identTimeoutMs: 300 }),
  );
  try {
    sim.setFaults({ crcErrorRate: 1 });
    const e = await errorOf(drv.sample());
    assert.instance(e, FrameError);
    assert.is(drv.client.rejectedBlocks, 2);
    sim.setFaults({ garbageRate: 1 });
    assert.instance(await errorOf(drv.sample()), FrameError);
    sim.setFaults({ timeoutRate: 1 });
    assert.instance(await errorOf(drv.sample()), TimeoutError);
    sim.setFaults({});
    await clock.advance(HOUR);
    const a = await drv.sample();
    assert.is(a.energy.import!.value, 1000n);
    sim.setFaults({ frozen: true });
    await clock.advance(HOUR);
    assert.is((await drv.sample()).energy.import!.value, 1000n);
    sim.setFaults({});
    assert.is((await drv.sample()).energy.import!.value, 2000n);
    sim.resetRegisters();
    assert.is((await drv.sample()).energy.import!.value, 0n);
  } finally {
    await close();
  }
});

test('billing-period values printed before the current registers are not taken for them', async () => {
  const clock = new ManualClock(0);
  const { drv, close } = await openPtyRig(
    (b) => startIec62056Simulator({ listen: { serial: b }, clock, profile: 'constant', ratingW: 2000, initialImportWh: 500_000, wireTiming: false }),
    (a) => Iec62056Driver.open({ serial: a }, { clock }),
  );
  try {
    await clock.advance(HOUR);
    const s = await drv.sample();
    // The block lists 1.8.0*01(000500.000*kWh) first; the current 1.8.0 has one more hour at 2 kW.
    assert.is(s.energy.import!.value, 502_000n);
  } finally {
    await close();
  }
});

test('IEC 62056-21 physics: 1.8.0 advance agrees with the integral of 16.7.0 over an hour at three loads', async () => {
  const clock = new ManualClock(0);
  const { sim, drv, close } = await openPtyRig(
    (b) => startIec62056Simulator({ listen: { serial: b }, clock, profile: 'constant', wireTiming: false }),
    (a) => Iec62056Driver.open({ serial: a }, { clock }),
  );
  try {
    for (const c of CROSS_CHECK_POINTS) {
      const a = await crossCheck({ clock, sim, drv, point: c.point, durationMs: HOUR, steps: 4, register: (s) => s.energy.import! });
      assert.ok(a.ok, `${c.name} per phase: ${describe(a)}`);
    }
  } finally {
    await close();
  }
});

test('a meter that answers in mode B (letter baud character) is refused with a DeviceError', async () => {
  const { SerialLine } = await import('../../../drivers/uart/serial-line.js');
  const { Iec62056Client } = await import('../../../drivers/iec62056/client.js');
  const { DeviceError } = await import('../../../drivers/errors.js');
  const pair = await openPtyPair();
  const meter = await SerialLine.open({ path: pair.b, baud: 300, parity: 'even', dataBits: 7, stopBits: 1 });
  const client = await Iec62056Client.open({ serial: pair.a }, { identTimeoutMs: 500 });
  try {
    const pending = errorOf(client.readout());
    const signOn = await meter.readUntil((b) => (b.indexOf(0x0a) >= 0 ? b.indexOf(0x0a) + 1 : null), 1000, 'sign-on');
    assert.is(Buffer.from(signOn).toString('latin1'), '/?!\r\n');
    await meter.write(Buffer.from('/ABCE12345\r\n', 'latin1'));
    const e = await pending;
    assert.instance(e, DeviceError);
    assert.match(e.message, /not mode C/);
  } finally {
    await client.close();
    await meter.close();
    await pair.close();
  }
});

test.run();
