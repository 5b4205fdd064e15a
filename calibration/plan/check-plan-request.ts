// Checks the numbers given to "bench plan" before a plan is generated (pure): each problem is one line
// naming the flag, what it got and what it needs; then the generated plan must pass its own validation.
import { ConfigError } from '../../drivers/errors.js';
import { limitTableFor } from '../limits/cop11-type5.js';
import type { PlanRequest } from './generate-plan.js';
import { validatePlan } from './validate-plan.js';
import type { Plan } from './plan-schema.js';

const bad = (flag: string, value: number, need: string): ConfigError => new ConfigError('plan-option', `${flag} ${value}: ${need}`, { flag });

export function checkPlanRequest(r: PlanRequest): void {
  const finitePositive = (flag: string, v: number, what: string) => {
    if (!Number.isFinite(v) || v <= 0) throw bad(flag, v, `${what} must be a positive number`);
  };
  finitePositive('--un', r.unV, 'Un (V)');
  finitePositive('--in', r.inA, 'In (A)');
  finitePositive('--imax', r.imaxA, 'Imax (A)');
  if (r.imaxA < r.inA) throw bad('--imax', r.imaxA, `Imax must be at least --in ${r.inA} A (In is the lowest current of the range, Imax the highest)`);
  const reps = r.repetitions ?? 3;
  if (!Number.isInteger(reps)) throw bad('--reps', reps, 'repetitions must be a whole number, at least 3');
  if (reps < 3) throw bad('--reps', reps, 'at least 3 repetitions are needed for a standard deviation');
  const share = r.maxSpreadShare;
  if (share !== undefined && !(Number.isFinite(share) && share > 0 && share <= 1)) throw bad('--max-spread-share', share, 'the largest standard deviation as a share of the limit, above 0 and at most 1 (0.2 = a fifth)');
  if (r.method === 'pulse' && !(r.meterConstantImpPerKWh !== undefined && r.meterConstantImpPerKWh > 0)) {
    throw new ConfigError('plan-option', `--method pulse needs --meter-constant IMP_PER_KWH (the DUT's test output constant)`, { flag: '--meter-constant' });
  }
  if (r.supply === 'ac') {
    const fr = limitTableFor('ac').influence.frequencyHz!;
    const fn = r.fnHz ?? 50;
    if (!(fn >= fr[0] && fn <= fr[1])) throw bad('--fn', fn, `Table 4 covers ${fr[0]}..${fr[1]} Hz; give the nominal frequency in that range (50 for GB)`);
  }
}

/** A generated plan that its own --validate would reject is a bug here, not the user's: say so plainly. */
export function assertPlanValid(plan: Plan): void {
  const errors = validatePlan(plan).filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    throw new ConfigError('plan-generated-invalid', `the generated plan fails its own validation (${errors.map((e) => `${e.where}: ${e.message}`).join('; ')}); check the ratings given`);
  }
}
