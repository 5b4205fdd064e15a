// The exact transformer formula against the first-order approximation of standards.md §8.1, and the exactness of
// everything but the quantised correction.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  compensationFactor,
  NEUTRAL_COMPENSATION,
  ratioProduct,
  transformerCorrection,
  transformerErrorRatio,
  type CompensationSettings,
} from '../../../device/compensation/compensation.js';
import { div, toNumber } from '../../../drivers/rational.js';

const settingsArb: fc.Arbitrary<CompensationSettings> = fc.record({
  ctRatio: fc.constantFrom('1', '40', '80', '0.5'),
  vtRatio: fc.constantFrom('1', '100', '3.3'),
  ctRatioErrorPct: fc.integer({ min: -1000, max: 1000 }).map((x) => x / 1000),
  ctPhaseMinutes: fc.integer({ min: -60, max: 60 }),
  vtRatioErrorPct: fc.integer({ min: -1000, max: 1000 }).map((x) => x / 1000),
  vtPhaseMinutes: fc.integer({ min: -60, max: 60 }),
  lossMultiplier: fc.constantFrom('1', '1.02', '0.987'),
  pulseMultiplier: fc.constantFrom('1', '1000'),
  calibrationFactor: fc.constantFrom('1', '1.0013'),
});
const pfArb = fc.integer({ min: 500, max: 999 }).chain((m) => fc.constantFrom(m / 1000, -m / 1000));

test('exact error ratio agrees with eI + eU + (dI - dU) x 0.02909 %/min x tan(phi) to second order', () => {
  fc.assert(
    fc.property(settingsArb, pfArb, (s, pf) => {
      const exact = (transformerErrorRatio(s, pf) - 1) * 100;
      const phi = Math.acos(Math.abs(pf)) * Math.sign(pf);
      const approx = s.ctRatioErrorPct + s.vtRatioErrorPct + (s.ctPhaseMinutes - s.vtPhaseMinutes) * 0.0290888 * Math.tan(phi);
      // what the approximation drops, in %: eI.eU, theta^2/2 (and beyond), e.theta.tan(phi)
      const theta = Math.abs(s.ctPhaseMinutes - s.vtPhaseMinutes) * (Math.PI / 10800);
      const e = Math.abs(s.ctRatioErrorPct) + Math.abs(s.vtRatioErrorPct);
      const bound = Math.abs(s.ctRatioErrorPct * s.vtRatioErrorPct) / 100 + 100 * theta * theta + e * theta * Math.abs(Math.tan(phi)) * 1.01 + 1e-6;
      assert.ok(Math.abs(exact - approx) <= bound, `pf ${pf}: exact ${exact} vs approx ${approx}, bound ${bound}`);
      // and the approximation is not trivially loose: same sign when the first-order term dominates
      if (Math.abs(approx) > 10 * bound) assert.is(Math.sign(exact), Math.sign(approx));
    }),
    { numRuns: 1000 },
  );
});

test('factor = exact ratio product x correction; correction undoes the error to 1e-9; always positive', () => {
  fc.assert(
    fc.property(settingsArb, fc.option(pfArb), (s, pf) => {
      const f = compensationFactor(s, pf);
      assert.ok(f.num > 0n && f.den > 0n);
      const corr = div(f, ratioProduct(s));
      assert.equal(corr, transformerCorrection(s, pf));
      assert.ok((10n ** 9n) % corr.den === 0n);
      assert.ok(Math.abs(toNumber(corr) * transformerErrorRatio(s, pf) - 1) < 1.5e-9);
    }),
    { numRuns: 1000 },
  );
});

test('with no transformer errors the factor is the exact decimal product, whatever the pf', () => {
  fc.assert(
    fc.property(fc.constantFrom('1', '40', '0.5', '1.0013'), fc.option(fc.double({ min: -1, max: 1, noNaN: true })), (cal, pf) => {
      const s = { ...NEUTRAL_COMPENSATION, ctRatio: '40', calibrationFactor: cal };
      assert.equal(compensationFactor(s, pf), ratioProduct(s));
    }),
  );
});

test.run();
