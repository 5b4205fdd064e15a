// CSE7766 energy against truth: frames logged from real chips (fixtures/uart/cse7766.json "reference"), the
// ESPHome transfer function, and a simulated chip whose pulses come from power x time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { ManualClock } from '../../../drivers/clock.js';
import { rational, toNumber } from '../../../drivers/rational.js';
import { fromHex } from '../../../drivers/uart/bytes.js';
import { cse7766Instant, cse7766WhPerCount, decodeCse7766Frame } from '../../../drivers/uart/cse7766/codec.js';
import { Cse7766Driver } from '../../../drivers/uart/cse7766/driver.js';
import { CSE7766_SIM_COEFFICIENTS, startCse7766Simulator } from '../../../drivers/uart/cse7766/simulator.js';
import { openPtyRig } from '../../helpers/pty-rig.js';
import { nextChangedSample } from '../../../drivers/sim/sample-until.js';
import { CROSS_CHECK_POINTS, crossCheck, describe } from '../../../drivers/sim/energy-agreement.js';

const fx = JSON.parse(readFileSync(new URL('../../../fixtures/uart/cse7766.json', import.meta.url), 'utf8'));
const ref = fx.reference;

test('frames logged from real chips decode to the published fields', () => {
  for (const v of ref.frames) {
    const f = decodeCse7766Frame(fromHex(v.hex));
    for (const [k, val] of Object.entries(v.decoded)) assert.equal((f as any)[k], val, `${v.name}: ${k}`);
    if (v.flags) assert.equal(f.flags, v.flags, v.name);
    if (v.instant) for (const [k, val] of Object.entries(v.instant)) assert.is((cse7766Instant(f) as any)[k], val, `${v.name}: ${k}`);
  }
});

test('Wh per CF pulse is ESPHome\'s power_coeff / 1e6 / 3600, exactly', () => {
  for (const c of ref.transferFunction.cases) {
    assert.equal(cse7766WhPerCount(c.powerCoef), rational(BigInt(c.whPerCountNum), BigInt(c.whPerCountDen)), `Pcoef ${c.powerCoef}`);
  }
});

test('real chip: CF advance x Wh per pulse agrees with power x elapsed time (Tasmota #11389 log)', () => {
  const e = ref.energyOverTime;
  const a = decodeCse7766Frame(fromHex(ref.frames[e.firstIndex].hex));
  const b = decodeCse7766Frame(fromHex(ref.frames[e.lastIndex].hex));
  const pulses = (b.cfPulses - a.cfPulses + 0x10000) % 0x10000;
  const registerWh = pulses * toNumber(cse7766WhPerCount(a.powerCoef));
  const integratedWh = (e.meanPowerW * e.elapsedMs) / 3_600_000;
  const diff = Math.abs(registerWh - integratedWh) / integratedWh;
  assert.ok(diff <= e.toleranceFraction, `register ${registerWh} Wh vs power x time ${integratedWh} Wh: ${(diff * 100).toFixed(2)} %`);
});

test('simulated chip: pulses are joules x 1e6 / Pcoef of power x time, through the driver', async () => {
  const clock = new ManualClock(0);
  const { sim, drv, close } = await openPtyRig(
    (p) => startCse7766Simulator({ listen: { serial: p }, clock, profile: 'constant', ratingW: 1000, wireTiming: false }),
    (p) => Cse7766Driver.open({ serial: p }, { clock, timeoutMs: 2000 }),
  );
  try {
    // 1000 W for 10 s = 10 000 J; one pulse = Pcoef / 1e6 J = 5 J: exactly 2000 pulses.
    const s0 = await drv.sample();
    await clock.advance(10_000);
    const s1 = await nextChangedSample(drv, s0);
    const pulses = (s1.energy.import!.value - s0.energy.import!.value + 0x10000n) % 0x10000n;
    const joulesPerPulse = CSE7766_SIM_COEFFICIENTS.power / 1e6;
    assert.is(Number(pulses), (1000 * 10) / joulesPerPulse);
  } finally {
    await close();
  }
});

test('CSE7766 physics: CF advance x Wh per pulse agrees with the integral of power over an hour at three loads', async () => {
  const clock = new ManualClock(0);
  const { sim, drv, close } = await openPtyRig(
    (p) => startCse7766Simulator({ listen: { serial: p }, clock, profile: 'constant', wireTiming: false }),
    (p) => Cse7766Driver.open({ serial: p }, { clock, timeoutMs: 2000 }),
  );
  try {
    // 2-minute steps: at 1840 W that is 44 160 pulses, inside one 65 536-pulse wrap.
    for (const c of CROSS_CHECK_POINTS) {
      const a = await crossCheck({ clock, sim, drv, point: c.point, durationMs: 3_600_000, steps: 30, fresh: nextChangedSample });
      assert.ok(a.ok, `${c.name}: ${describe(a)}`);
    }
  } finally {
    await close();
  }
});

test.run();
