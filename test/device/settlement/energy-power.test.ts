// The energy-power rule against physics: power x time of a known load, and a register that advances by it (or by a
// mis-scaled multiple of it, as a wrong constant would make it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addPowerStep, checkEnergyPower, DEFAULT_ENERGY_POWER_RULE as RULE, emptyIntegral } from '../../../device/settlement/energy-power.js';
import { applyReading, initialChannelState, type ChannelReading, type ChannelState, type ClosedInterval, type EngineConfig } from '../../../device/settlement/channel-engine.js';
import { NEUTRAL_COMPENSATION } from '../../../device/compensation/compensation.js';
import { rational } from '../../../drivers/rational.js';

const HALF = 1_800_000;

test('trapezoids: a ramp from 0 to 6 kW over half an hour integrates to 1.5 kWh, split exactly at a boundary', () => {
  const step = { t0: 0, p0: 0, t1: HALF, p1: 6000, maxStepMs: HALF };
  const whole = addPowerStep(emptyIntegral(), step, 0, HALF);
  assert.is(whole.wh, 1500);
  const first = addPowerStep(emptyIntegral(), step, 0, HALF / 2);
  const second = addPowerStep(emptyIntegral(), step, HALF / 2, HALF);
  assert.equal([first.wh, second.wh, first.samples, second.samples], [375, 1125, 0, 1]);
  // a step longer than maxStepMs is not integrated
  assert.equal(addPowerStep(emptyIntegral(), { ...step, maxStepMs: 60_000 }, 0, HALF), { wh: 0, coveredMs: 0, samples: 1 });
});

test('the rule: 5 % of the power integral plus two register resolutions, only when covered and sampled enough', () => {
  const acc = { wh: 1000, coveredMs: HALF, samples: 30 };
  assert.is(checkEnergyPower(1052, acc, HALF, 1, RULE).mismatch, false); // 5 % + 2 Wh = 52 Wh
  assert.is(checkEnergyPower(1053, acc, HALF, 1, RULE).mismatch, true);
  assert.is(checkEnergyPower(947, acc, HALF, 1, RULE).mismatch, true);
  assert.is(checkEnergyPower(3000, { ...acc, samples: 9 }, HALF, 1, RULE).meaningful, false);
  assert.is(checkEnergyPower(3000, { ...acc, coveredMs: HALF - 1 }, HALF, 1, RULE).meaningful, false);
  // near zero load the resolutions dominate: 0.02 kWh register resolution allows 40 Wh at no power
  assert.is(checkEnergyPower(40, { wh: 0, coveredMs: HALF, samples: 30 }, HALF, 20, RULE).mismatch, false);
});

function feed(scale: number): ClosedInterval[] {
  const cfg: EngineConfig = { resolution: 'PT30M', compensation: NEUTRAL_COMPENSATION, limits: { nominalVoltageV: 230, maxCurrentA: 100 }, closeAfterMs: 60_000, energyPower: RULE };
  let st: ChannelState = initialChannelState();
  const out: ClosedInterval[] = [];
  const T0 = Date.UTC(2026, 0, 5);
  for (let t = 0; t <= 2 * HALF; t += 60_000) {
    const powerW = 2000 + 1000 * Math.sin(t / 600_000); // a varying load
    const trueWh = (2000 * t) / 3_600_000 + (1000 * 600_000 * (1 - Math.cos(t / 600_000))) / 3_600_000;
    const r: ChannelReading = {
      atMs: T0 + t, extended: BigInt(Math.floor(trueWh * scale)), whPerCount: rational(1n), pf: 1, voltageV: 230, frequencyHz: 50,
      currentA: 10, alarmActive: false, event: 'none', powerW,
    };
    const res = applyReading(st, r, cfg);
    st = res.state;
    out.push(...res.closed);
  }
  return out;
}

test('engine: a register that follows power passes; one 10 % mis-scaled is flagged energy-power-mismatch', () => {
  const good = feed(1);
  assert.is(good.length, 2);
  assert.ok(good.every((i) => !i.flags.includes('energy-power-mismatch')), JSON.stringify(good.map((i) => i.flags)));
  const bad = feed(1.1);
  assert.ok(bad.every((i) => i.flags.includes('energy-power-mismatch')), JSON.stringify(bad.map((i) => i.flags)));
  const v = bad[1]!.energyPower!;
  assert.ok(Math.abs(v.registerWh / v.powerWh - 1.1) < 0.01, JSON.stringify(v));
});

test.run();
