// The pure verdicts behind amsgate commission.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  clockOffset,
  ctRatioCheck,
  energyAdvance,
  flowDirection,
  integrateWh,
  phaseRotation,
  polarity,
  powerConsistency,
} from '../../host-cli/commissioning/measurement-checks.js';
import { isYes } from '../../host-cli/commissioning/answers.js';

test('phase rotation: standard, reversed, missing phase', () => {
  assert.ok(phaseRotation([0, -120, 120]).ok);
  assert.ok(phaseRotation([10, 250, 130]).ok, 'angles may be given 0..360 and offset');
  const rev = phaseRotation([0, 120, -120]);
  assert.is(rev.ok, false);
  assert.is(rev.detail, 'phase rotation is reversed (L1-L3-L2)');
  assert.match(rev.fix!, /swap two phase connections/);
  const odd = phaseRotation([0, -120, 0]);
  assert.is(odd.detail, 'phase angles are not 120 degrees apart');
});

test('polarity: a reversed phase under an importing load is named', () => {
  assert.ok(polarity({ powerW: 6900, phasePowerW: [2300, 2300, 2300] }, 1)!.ok);
  const one = polarity({ powerW: 2300, phasePowerW: [2300, -2300, 2300] }, 1)!;
  assert.is(one.ok, false);
  assert.is(one.detail, 'power on L2 has the opposite sign');
  assert.is(one.fix, 'reverse the connection of L2 (line and load swapped at the terminals)');
  assert.ok(polarity({ powerW: -5000, phasePowerW: [-5000] }, -1)!.ok);
  assert.is(polarity({ powerW: 20 }, 1)!.ok, false, 'too little load to judge');
  assert.is(polarity({}, 1), null);
});

test('power against V x I x PF', () => {
  const good = powerConsistency({ voltageV: [230, 230, 230], currentA: [10, 10, 10], phasePowerFactor: [0.99, 0.99, 0.99], powerW: 6831 })!;
  assert.ok(good.ok);
  assert.is(good.figures['sum V*I*PF W'], '6831.0');
  const bad = powerConsistency({ voltageV: [230, 230, 230], currentA: [10, 10, 10], powerFactor: 1, powerW: 4600 })!;
  assert.is(bad.ok, false);
  assert.match(bad.detail, /differs from V x I x PF 6900.0 W by -33.3 %/);
  assert.is(powerConsistency({ powerW: 100 }), null);
});

test('energy: trapezoid integral and register comparison with resolution', () => {
  const t0 = 0;
  const samples = [0, 1, 2, 3].map((k) => ({ at: t0 + k * 20_000, powerW: 7200 }));
  assert.is(integrateWh(samples), 120);
  assert.ok(energyAdvance(120, 120, 10).ok);
  assert.ok(energyAdvance(140, 120, 10).ok, '2 steps of 10 Wh + 3 % allowed');
  const bad = energyAdvance(200, 120, 10);
  assert.is(bad.ok, false);
  assert.is(bad.figures['allowed Wh'], '23.600');
});

test('direction of flow', () => {
  assert.ok(flowDirection('import', { import: 115, export: 0 }, 10).ok);
  const reversed = flowDirection('import', { import: 0, export: 115 }, 10);
  assert.is(reversed.detail, 'the export register advanced instead of the import register');
  assert.match(reversed.fix!, /swap supply and load/);
  assert.is(flowDirection('import', { import: 5, export: 0 }, 10).detail, 'the import register did not advance');
  assert.is(flowDirection('export', { import: 100, export: null }, 10).detail, 'the meter has no export register');
});

test('clock offset and CT ratio', () => {
  assert.ok(clockOffset(1000, 1200, 1100).ok);
  const off = clockOffset(0, 200, 30_100);
  assert.is(off.ok, false);
  assert.is(off.detail, 'the gateway clock is 30.0 s ahead');
  assert.ok(ctRatioCheck(100, 2.5, 40).ok);
  const wrongTap = ctRatioCheck(100, 5, 40);
  assert.is(wrongTap.ok, false);
  assert.is(wrongTap.figures['implied ratio'], '20.00');
});

test('yes/no answers', () => {
  assert.is(isYes('Yes'), true);
  assert.is(isYes('n'), false);
  assert.is(isYes('maybe'), null);
  assert.is(isYes(null), null);
});

test.run();
