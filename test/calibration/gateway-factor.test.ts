// The gateway calibration factor maximises the smallest margin to each point's own limit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bestGatewayFactor } from '../../calibration/calibrate/gateway-factor.js';

test('limits that differ between In and Imax: the factor equalises the two margins', () => {
  // In: +2.3 % against +-2.5 %; Imax: +0.5 % against +-2.0 %. Equal margins:
  //   2.5 - 100 (1.023 g - 1) = 2.0 - 100 (1 - 1.005 g)  =>  g = 200.5 / 202.8
  const r = bestGatewayFactor([
    { pointId: 'In', errorPct: 2.3, limitPct: 2.5 },
    { pointId: 'Imax', errorPct: 0.5, limitPct: 2.0 },
  ]);
  assert.ok(Math.abs(r.factor - 200.5 / 202.8) < 1e-12, String(r.factor));
  const m = (e: number, l: number) => l - Math.abs(100 * ((1 + e / 100) * r.factor - 1));
  assert.ok(Math.abs(r.smallestMarginPct - m(2.3, 2.5)) < 1e-9);
  assert.ok(Math.abs(m(2.3, 2.5) - m(0.5, 2.0)) < 1e-9);
  // centring the errors (the old rule) leaves a smaller margin
  const centred = 2 / (1.023 + 1.005);
  const centredMin = Math.min(2.5 - Math.abs(100 * (1.023 * centred - 1)), 2.0 - Math.abs(100 * (1.005 * centred - 1)));
  assert.ok(r.smallestMarginPct > centredMin + 0.2);
});

test('one point: the factor cancels its error', () => {
  const r = bestGatewayFactor([{ pointId: 'a', errorPct: 3, limitPct: 2 }]);
  assert.ok(Math.abs(r.factor - 1 / 1.03) < 1e-12);
  assert.ok(Math.abs(r.smallestMarginPct - 2) < 1e-9);
});

test.run();
