// Reads and writes plan files (YAML or JSON by extension). I/O only; checks live in validate-plan.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { ConfigError } from '../../drivers/errors.js';
import type { Plan } from './plan-schema.js';
import { parsePlan, validatePlan, type PlanIssue } from './validate-plan.js';

export function planToText(plan: Plan, asJson: boolean): string {
  return asJson ? `${JSON.stringify(plan, null, 2)}\n` : stringify(plan, { lineWidth: 0 });
}

export function writePlanFile(path: string, plan: Plan): void {
  writeFileSync(path, planToText(plan, path.endsWith('.json')));
}

export function readPlanData(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError('plan-file', `cannot read plan file ${path}: ${(e as Error).message}`);
  }
  try {
    return path.endsWith('.json') ? JSON.parse(text) : parse(text);
  } catch (e) {
    throw new ConfigError('plan-file', `plan file ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`);
  }
}

/** Loads and fully checks a plan; throws a ConfigError listing every error when it cannot be run. */
export function loadPlan(path: string): { plan: Plan; issues: PlanIssue[] } {
  const parsed = parsePlan(readPlanData(path));
  const issues = parsed.plan ? validatePlan(parsed.plan) : parsed.issues;
  const errors = issues.filter((i) => i.severity === 'error');
  if (!parsed.plan || errors.length > 0) {
    throw new ConfigError(
      'plan-invalid',
      `plan ${path} has ${errors.length} error(s):\n${errors.map((i) => `  ${i.where}: ${i.message}`).join('\n')}`,
      { issues },
    );
  }
  return { plan: parsed.plan, issues };
}
