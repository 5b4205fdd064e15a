// Coverage factor from the effective degrees of freedom: Student t at 95.45 % against NIST TN 1297 Table B.1
// (= GUM Table G.2), and the Welch-Satterthwaite formula on a budget worked by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { studentT9545 } from '../../calibration/maths/student-t.js';
import { effectiveDegreesOfFreedom, uncertaintyBudget } from '../../calibration/maths/uncertainty.js';

const table = parse(readFileSync(join(import.meta.dirname, '../../fixtures/calibration/student-t-95.45.yaml'), 'utf8')) as { values: { nu: number; t: number }[] };

test('t at 95.45 % matches the published table to its printed places', () => {
  for (const { nu, t } of table.values) {
    const places = nu === 100 || nu === Infinity ? 3 : 2;
    assert.is(studentT9545(nu).toFixed(places), t.toFixed(places), `nu = ${nu}`);
  }
});

test('Welch-Satterthwaite: type B components carry infinite degrees of freedom', () => {
  // u_A = 0.03 with nu = 2, u_B = 0.04 (nu infinite): u_c^2 = 0.0025, u_c^4 = 6.25e-6, u_A^4 / 2 = 4.05e-7
  // nu_eff = 6.25e-6 / 4.05e-7 = 15.43...  -> 15 (GUM G.4.1: truncate to the next lower integer)
  const nu = effectiveDegreesOfFreedom([{ u: 0.03, nu: 2 }, { u: 0.04, nu: Infinity }]);
  assert.is(Math.floor(nu), 15);
  assert.is(effectiveDegreesOfFreedom([{ u: 0, nu: 2 }, { u: 0.04, nu: Infinity }]), Infinity);
});

test('the budget expands with t(nu_eff), not a fixed 2', () => {
  const b = uncertaintyBudget({ stdDevPct: 0.3 * Math.sqrt(3), n: 3, referenceAccuracyPct: 0, whPerCount: 0, energyWh: 1 });
  // only type A: nu_eff = n - 1 = 2, k = 4.53
  assert.is(b.effectiveDof, 2);
  assert.is(b.k.toFixed(2), '4.53');
  assert.is(b.expandedPct, b.k * b.combinedPct);
  const flat = uncertaintyBudget({ stdDevPct: 0, n: 3, referenceAccuracyPct: 0.05, whPerCount: 0.01, energyWh: 100 });
  assert.is(flat.k, 2);
});

test.run();
