import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generatePlan, testCurrents } from '../../calibration/plan/generate-plan.js';
import { parsePlan, validatePlan } from '../../calibration/plan/validate-plan.js';
import { applicableRow } from '../../calibration/limits/applicable-limit.js';
import { COP11_TYPE5_AC, COP11_TYPE5_DC } from '../../calibration/limits/cop11-type5.js';
import { planToText } from '../../calibration/plan/plan-file.js';
import { phaseDegOf } from '../../calibration/plan/plan-schema.js';
import { parse } from 'yaml';
import { assertPlanValid, checkPlanRequest } from '../../calibration/plan/check-plan-request.js';
import { ConfigError } from '../../drivers/errors.js';

const r = { unV: 230, inA: 6, imaxA: 32 };

test('limit lookup follows Table 4 boundaries (50 % Imax belongs to the +-2.0 % row)', () => {
  assert.is(applicableRow(COP11_TYPE5_AC, { currentA: 16, pf: 1, pfKind: 'unity' }, r)?.limitPct, 2.0);
  assert.is(applicableRow(COP11_TYPE5_AC, { currentA: 15.99, pf: 1, pfKind: 'unity' }, r)?.limitPct, 2.5);
  assert.is(applicableRow(COP11_TYPE5_AC, { currentA: 6, pf: 1, pfKind: 'unity' }, r)?.limitPct, 2.5);
  assert.is(applicableRow(COP11_TYPE5_AC, { currentA: 32, pf: 0.5, pfKind: 'lag' }, r)?.limitPct, 2.5);
  assert.is(applicableRow(COP11_TYPE5_AC, { currentA: 32, pf: 0.8, pfKind: 'lead' }, r)?.id, 'T4-R3');
  assert.is(applicableRow(COP11_TYPE5_AC, { currentA: 32, pf: 0.8, pfKind: 'lag' }, r), null);
  assert.is(applicableRow(COP11_TYPE5_AC, { currentA: 5, pf: 1, pfKind: 'unity' }, r), null);
  assert.is(applicableRow(COP11_TYPE5_DC, { currentA: 20, pf: 1, pfKind: 'dc' }, r)?.limitPct, 2.0);
});

test('a.c. plan covers currents x PFs plus voltage and frequency extremes, each with its limit', () => {
  assert.equal(testCurrents(6, 32).map((c) => c.currentA), [6, 11, 16, 32]);
  const plan = generatePlan({ ...r, supply: 'ac', phases: 1 });
  assert.is(plan.points.length, 16);
  const pf1 = plan.points.filter((p) => p.pfKind === 'unity' && p.voltageV === 230 && p.frequencyHz === 50);
  assert.equal(pf1.map((p) => [p.currentA, p.limitPct]), [[6, 2.5], [11, 2.5], [16, 2.0], [32, 2.0]]);
  assert.ok(plan.points.some((p) => p.voltageV === 207) && plan.points.some((p) => p.voltageV === 253));
  assert.ok(plan.points.some((p) => p.frequencyHz === 49) && plan.points.some((p) => p.frequencyHz === 51));
  assert.is(plan.points.filter((p) => p.pfKind === 'lag').length, 4);
  assert.is(plan.points.filter((p) => p.pfKind === 'lead').length, 4);
  assert.equal(validatePlan(plan), []);
});

test('d.c. plan has no PF or frequency and validates clean', () => {
  const plan = generatePlan({ unV: 400, inA: 2, imaxA: 50, supply: 'dc', phases: 1 });
  assert.is(plan.points.length, 6);
  assert.ok(plan.points.every((p) => p.frequencyHz === null && p.pfKind === 'dc'));
  assert.equal(validatePlan(plan), []);
});

test('export points reverse the current and keep the table limits', () => {
  const plan = generatePlan({ ...r, supply: 'ac', phases: 1, export: true });
  assert.is(plan.points.length, 28);
  const exp = plan.points.filter((p) => p.direction === 'export');
  assert.is(exp.length, 12);
  assert.ok(exp.every((p) => p.id.includes('EXP-')));
  const lag = exp.find((p) => p.pfKind === 'lag')!;
  assert.is(Math.round(phaseDegOf(lag)), -120);
  assert.is(Math.round(phaseDegOf(exp.find((p) => p.pfKind === 'lead')!)), 143);
  assert.is(phaseDegOf(exp.find((p) => p.pfKind === 'unity')!), 180);
  assert.equal(validatePlan(plan), []);
  const dc = generatePlan({ unV: 400, inA: 2, imaxA: 50, supply: 'dc', phases: 1, export: true });
  assert.is(dc.points.length, 10);
  assert.equal(validatePlan(dc), []);
});

test('validate names the point and the fix for each bad edit', () => {
  const plan = generatePlan({ ...r, supply: 'ac', phases: 1 });
  const edited = parse(planToText(plan, false));
  edited.points[0].currentA = 40;
  edited.points[1].limitPct = 3;
  edited.points[2].repetitions = 2;
  edited.points[3].voltageV = 260;
  const parsed = parsePlan(edited);
  assert.ok(parsed.plan);
  const issues = validatePlan(parsed.plan!).filter((i) => i.severity === 'error');
  const by = (id: string) => issues.find((i) => i.where === id)?.message ?? '';
  assert.match(by(plan.points[0]!.id), /40 A is outside the device's range 6..32 A/);
  assert.match(by(plan.points[1]!.id), /looser than the table's \+-2.5 %.*set limitPct: 2.5/);
  assert.match(by(plan.points[2]!.id), /repetitions is 2; at least 3/);
  assert.match(by(plan.points[3]!.id), /voltage 260 V is outside 90..110 % of Un/);
});

test('schema errors name the field', () => {
  const r2 = parsePlan({ format: 'amsgate-bench-plan/1', table: 'x', device: { supply: 'ac' }, points: [] });
  assert.is(r2.plan, null);
  assert.ok(r2.issues.some((i) => i.where.startsWith('device.')));
});

test('bench plan writes only plans its own --validate accepts, over ratings, supplies, methods and options', () => {
  let n = 0;
  for (const [unV, inA, imaxA] of [[230, 6, 32], [230, 5, 65], [400, 0.25, 10], [110, 10, 10.5], [230, 16, 16]] as const) {
    for (const supply of ['ac', 'dc'] as const) {
      for (const phases of [1, 3] as const) {
        for (const extra of [{}, { export: true }, { method: 'pulse' as const, meterConstantImpPerKWh: 1000 }, { additional: true, meterConstantImpPerKWh: 800 }, { repetitions: 5, maxSpreadShare: 0.5 }]) {
          const req = { unV, inA, imaxA, supply, phases, ...extra };
          checkPlanRequest(req);
          const plan = generatePlan(req);
          const errors = validatePlan(plan).filter((i) => i.severity === 'error');
          assert.equal(errors, [], JSON.stringify(req));
          assertPlanValid(plan);
          n++;
        }
      }
    }
  }
  assert.is(n, 100);
});

test('a plan that fails its own validation is never written: assertPlanValid names the problem', () => {
  const plan = generatePlan({ ...r, supply: 'ac', phases: 1 });
  plan.points[0]!.limitPct = 9;
  assert.throws(() => assertPlanValid(plan), (e: Error) => e instanceof ConfigError && /generated plan fails its own validation/.test(e.message) && /P01/.test(e.message));
});

test.run();
