import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  compensationFactor,
  NEUTRAL_COMPENSATION,
  ratioProduct,
  transformerCorrection,
  transformerErrorRatio,
  validateCompensation,
  type CompensationSettings,
} from '../../../device/compensation/compensation.js';
import { mul, parseDecimal, rational, toNumber } from '../../../drivers/rational.js';

// standards.md §8.1 worked example: eI = -0.2 %, dI = +10', eU = +0.1 %, dU = +5'.
const example: CompensationSettings = {
  ...NEUTRAL_COMPENSATION,
  ctRatioErrorPct: -0.2,
  ctPhaseMinutes: 10,
  vtRatioErrorPct: 0.1,
  vtPhaseMinutes: 5,
};
const errorPct = (pf: number | null): string => ((transformerErrorRatio(example, pf) - 1) * 100).toFixed(4);

test('§8.1 worked example: exact-form errors at PF 0.8 lag, 0.8 lead, 0.5 lag', () => {
  assert.is(errorPct(0.8), '0.0087');
  assert.is(errorPct(-0.8), '-0.2093');
  assert.is(errorPct(0.5), '0.1514');
});

test('phase terms vanish at PF 1 and unknown PF; ratio errors remain', () => {
  const expected = (0.998 * 1.001 - 1) * 100;
  assert.is(errorPct(1), expected.toFixed(4));
  assert.is(errorPct(null), expected.toFixed(4));
  assert.is(errorPct(-1), expected.toFixed(4));
});

test('correction is 1/(P_meas/P_true), quantised to a denominator of 10^9', () => {
  for (const pf of [0.8, -0.8, 0.5, null]) {
    const c = transformerCorrection(example, pf);
    assert.ok((10n ** 9n) % c.den === 0n, 'denominator divides 10^9');
    const residual = toNumber(c) * transformerErrorRatio(example, pf) - 1;
    assert.ok(Math.abs(residual) < 1e-9, `pf ${pf}: corrected ratio off by ${residual}`);
  }
  // 0.8 lag reads high by 0.0087 %, so the correction is just below 1; 0.8 lead just above.
  assert.ok(toNumber(transformerCorrection(example, 0.8)) < 1);
  assert.ok(toNumber(transformerCorrection(example, -0.8)) > 1);
});

test('no transformer errors: the correction is exactly 1 and the factor is the exact ratio product', () => {
  const s: CompensationSettings = { ...NEUTRAL_COMPENSATION, ctRatio: '40', vtRatio: '1', lossMultiplier: '1.02', pulseMultiplier: '1000', calibrationFactor: '0.9985' };
  assert.equal(transformerCorrection(s, 0.3), rational(1n));
  const expected = mul(mul(mul(rational(40n), parseDecimal('1.02')), rational(1000n)), parseDecimal('0.9985'));
  assert.equal(ratioProduct(s), expected);
  assert.equal(compensationFactor(s, 0.71), expected);
});

test('the factor multiplies the exact ratios by the quantised correction', () => {
  const s: CompensationSettings = { ...example, ctRatio: '40' };
  const f = compensationFactor(s, 0.8);
  assert.equal(f, mul(rational(40n), transformerCorrection(example, 0.8)));
});

test('a near-zero PF is clamped to minAbsPowerFactor (default 0.5)', () => {
  assert.is(transformerErrorRatio(example, 0.01), transformerErrorRatio(example, 0.5));
  assert.is(transformerErrorRatio(example, -0.2), transformerErrorRatio(example, -0.5));
  const s = { ...example, minAbsPowerFactor: 0.1 };
  assert.is(transformerErrorRatio(s, 0.01), transformerErrorRatio(s, 0.1));
  assert.ok(transformerErrorRatio(s, 0.1) > transformerErrorRatio(example, 0.5));
});

test('bad settings are named', () => {
  assert.throws(() => validateCompensation({ ...NEUTRAL_COMPENSATION, ctRatio: '200/5' }), /ctRatio is "200\/5"/);
  assert.throws(() => validateCompensation({ ...NEUTRAL_COMPENSATION, lossMultiplier: '0' }), /greater than 0/);
  assert.throws(() => validateCompensation({ ...NEUTRAL_COMPENSATION, vtPhaseMinutes: Number.NaN }), /vtPhaseMinutes/);
  assert.throws(() => compensationFactor({ ...NEUTRAL_COMPENSATION, calibrationFactor: '1e3' }, null), /calibrationFactor/);
  validateCompensation(example);
});

test.run();
