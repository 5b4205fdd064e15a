import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { add, floor, floorDiv, mul, parseDecimal, rational, toFixed } from '../../drivers/rational.js';

test('parseDecimal is exact and normalised', () => {
  assert.equal(parseDecimal('1.02'), rational(51n, 50n));
  assert.equal(parseDecimal('-0.5'), rational(-1n, 2n));
  assert.throws(() => parseDecimal('1e3'), /not a decimal/);
});

test('floorDiv rounds towards minus infinity', () => {
  assert.is(floorDiv(7n, 2n), 3n);
  assert.is(floorDiv(-7n, 2n), -4n);
  assert.is(floor(mul(rational(10n), parseDecimal('1.02'))), 10n);
  assert.is(floor(add(rational(1n, 3n), rational(2n, 3n))), 1n);
});

test('toFixed rounds half away from zero', () => {
  assert.is(toFixed(rational(12345n, 10000n), 3), '1.235');
  assert.is(toFixed(rational(-1n, 2000n), 3), '-0.001');
  assert.is(toFixed(rational(0n), 3), '0.000');
});

test.run();
