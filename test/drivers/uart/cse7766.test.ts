import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { ManualClock, systemClock } from '../../../drivers/clock.js';
import { DeviceError } from '../../../drivers/errors.js';
import { fromHex } from '../../../drivers/uart/bytes.js';
import { encodeCse7766Frame } from '../../../drivers/uart/cse7766/codec.js';
import { Cse7766StreamParser } from '../../../drivers/uart/cse7766/stream-parser.js';
import { Cse7766Driver } from '../../../drivers/uart/cse7766/driver.js';
import { startCse7766Simulator } from '../../../drivers/uart/cse7766/simulator.js';
import { openPtyPair } from '../../helpers/pty-pair.js';
import { rejection } from './reject.js';
import { nextChangedSample } from '../../../drivers/sim/sample-until.js';

const fx = JSON.parse(readFileSync(new URL('../../../fixtures/uart/cse7766.json', import.meta.url), 'utf8'));
const good = fromHex(fx.frames[0].hex);

test('stream parser finds frames in split chunks, after garbage and after a bad checksum', () => {
  const p = new Cse7766StreamParser();
  const bad = good.slice();
  bad[23] = bad[23]! ^ 0xff;
  // Garbage containing a fake header pair (0x55 0x5A) that is not a frame.
  const stream = Uint8Array.from([1, 2, 0x55, 0x5a, 9, ...good, ...bad, 0xaa, ...good, ...good.subarray(0, 10)]);
  const frames = [];
  for (let i = 0; i < stream.length; i += 7) frames.push(...p.push(stream.subarray(i, i + 7)));
  assert.is(frames.length, 2);
  assert.is(frames[0]!.cfPulses, 1234);
  assert.is(p.stats.frames, 2);
  assert.ok(p.stats.rejectedFrames >= 1);
  assert.ok(p.stats.resyncs >= 2, `resyncs ${p.stats.resyncs}`);
  // The truncated tail completes with the next chunk.
  assert.is(p.push(good.subarray(10)).length, 1);
});

test('stream parser keeps memory bounded under endless garbage', () => {
  const p = new Cse7766StreamParser();
  const junk = new Uint8Array(10_000).fill(0x55);
  for (let i = 0; i < 50; i++) p.push(junk);
  assert.is(p.stats.frames, 0);
  assert.ok(p.stats.discardedBytes > 400_000);
});

test('CSE7766 driver follows a simulated chip, counts garbage, sees the 16-bit CF count wrap', async () => {
  const pair = await openPtyPair();
  const clock = new ManualClock(0);
  // Half a pulse below 2^16; one pulse = Pcoef / 1e6 J = 5 J (standards.md 4.5).
  const initialImportWh = (65535.5 * 5) / 3600;
  const sim = await startCse7766Simulator({ listen: { serial: pair.b }, clock, profile: 'constant', ratingW: 20000, initialImportWh });
  const drv = await Cse7766Driver.open({ serial: pair.a }, { clock });
  try {
    const s = await drv.sample();
    assert.ok(Math.abs(s.instant.powerW! - 20000) < 20, `P ${s.instant.powerW}`);
    assert.is(s.energy.import!.counterBits, 16);
    assert.is(s.energy.import!.value, 65535n);
    sim.setFaults({ garbageRate: 0.5, crcErrorRate: 0.3 });
    let errs = 0;
    for (let i = 0; i < 8; i++) errs += (await drv.sample()).frameErrors;
    assert.ok(errs >= 1, `frame errors ${errs}`);
    sim.setFaults({});
    // 20 kW for 1 s = 20 000 J = 4000 pulses: 65535.5 + 4000 wraps to 3999.
    await clock.advance(1000);
    const later = await nextChangedSample(drv, s);
    assert.is(later.energy.import!.value, 3999n);
  } finally {
    await drv.close();
    await sim.close();
  }
  // An uncalibrated chip (0xAA) yields a DeviceError, not energy.
  const { SerialLine } = await import('../../../drivers/uart/serial-line.js');
  const raw = await SerialLine.open({ path: pair.b, baud: 4800, parity: 'even', dataBits: 8, stopBits: 1 });
  const drv2 = await Cse7766Driver.open({ serial: pair.a }, { clock: systemClock, timeoutMs: 300 });
  try {
    const pending = rejection(drv2.sample());
    await raw.write(encodeCse7766Frame({ header: 0xaa, voltageCoef: 0, voltageCycle: 0, currentCoef: 0, currentCycle: 0, powerCoef: 0, powerCycle: 0, adj: 0, cfPulses: 5 }));
    assert.instance(await pending, DeviceError);
  } finally {
    await drv2.close();
    await raw.close();
    await pair.close();
  }
});

test.run();
