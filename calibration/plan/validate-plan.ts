// Checks a (possibly hand-edited) plan against the device ratings and the Type 5 table (pure).
// Every finding names the point and says how to fix it.
import { limitTableFor, type LimitTable } from '../limits/cop11-type5.js';
import { applicableRow, boundA } from '../limits/applicable-limit.js';
import { planSchema, type Plan } from './plan-schema.js';

export interface PlanIssue {
  severity: 'error' | 'warning';
  /** Point id, or a field path for plan-level findings. */
  where: string;
  message: string;
}

const TOL = 1e-9;

/** Parses unknown data (from YAML/JSON) into a plan, or returns the schema findings. */
export function parsePlan(data: unknown): { plan: Plan | null; issues: PlanIssue[] } {
  const r = planSchema.safeParse(data);
  if (r.success) return { plan: r.data, issues: [] };
  return {
    plan: null,
    issues: r.error.issues.map((i) => ({
      severity: 'error' as const,
      where: i.path.length ? i.path.join('.') : '(plan)',
      message: `${i.message}; see docs/bench.md "Plan file" for the field`,
    })),
  };
}

export function validatePlan(plan: Plan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const err = (where: string, message: string) => issues.push({ severity: 'error', where, message });
  const warn = (where: string, message: string) => issues.push({ severity: 'warning', where, message });
  const d = plan.device;
  const table: LimitTable = limitTableFor(d.supply);
  if (plan.table !== table.id) {
    err('table', `plan names table "${plan.table}" but a ${d.supply} device is judged by "${table.id}"; set table: ${table.id}`);
  }
  if (plan.method === 'pulse' && d.meterConstantImpPerKWh === undefined) {
    err('device.meterConstantImpPerKWh', 'the pulse method needs the meter constant of the DUT\'s test output (imp/kWh, from its datasheet or rating plate); set device.meterConstantImpPerKWh');
  }
  if (d.inA > d.imaxA) err('device', `In (${d.inA} A) is above Imax (${d.imaxA} A); In is the lowest current of the range`);
  const ratings = { unV: d.unV, inA: d.inA, imaxA: d.imaxA };
  const [vLo, vHi] = table.influence.voltageFraction;
  if (plan.defaults.repetitions < 3) {
    err('defaults.repetitions', `repetitions is ${plan.defaults.repetitions}; at least 3 are needed for a standard deviation; set 3 or more`);
  }
  const seen = new Set<string>();
  for (const p of plan.points) {
    const at = p.id;
    if (seen.has(p.id)) err(at, `point id "${p.id}" is used twice; give each point its own id`);
    seen.add(p.id);
    const reps = p.repetitions ?? plan.defaults.repetitions;
    if (reps < 3) err(at, `repetitions is ${reps}; at least 3 are needed; set repetitions: 3 or remove the override`);
    if (p.currentA < d.inA * (1 - TOL) || p.currentA > d.imaxA * (1 + TOL)) {
      err(at, `current ${p.currentA} A is outside the device's range ${d.inA}..${d.imaxA} A (In..Imax); move it inside or correct device.inA/imaxA`);
    }
    if (p.voltageV < d.unV * vLo * (1 - TOL) || p.voltageV > d.unV * vHi * (1 + TOL)) {
      err(at, `voltage ${p.voltageV} V is outside ${Math.round(vLo * 100)}..${Math.round(vHi * 100)} % of Un (${(d.unV * vLo).toFixed(1)}..${(d.unV * vHi).toFixed(1)} V); set a voltage in that range`);
    }
    if (d.supply === 'dc') {
      if (p.pfKind !== 'dc' || p.pf !== 1) err(at, `a d.c. point must have pf: 1 and pfKind: dc (got pf ${p.pf}, ${p.pfKind})`);
      if (p.frequencyHz !== null) err(at, `a d.c. point has no frequency; set frequencyHz: null`);
    } else {
      if (p.pfKind === 'dc') err(at, `pfKind "dc" on an a.c. device; use unity, lag or lead`);
      const fr = table.influence.frequencyHz!;
      if (p.frequencyHz === null || p.frequencyHz < fr[0] - TOL || p.frequencyHz > fr[1] + TOL) {
        err(at, `frequency ${p.frequencyHz ?? 'null'} Hz is outside ${fr[0]}..${fr[1]} Hz; set a frequency in that range`);
      }
      if (p.pfKind === 'unity' && p.pf !== 1) err(at, `pfKind unity needs pf: 1 (got ${p.pf}); use lag or lead for other power factors`);
    }
    const row = applicableRow(table, p, ratings);
    if (!row) {
      warn(at, `the table states no limit for ${p.currentA} A at PF ${p.pf} ${p.pfKind}; the point is informative only (limit ${p.limitPct} % is the plan's own)`);
    } else {
      if (p.limitPct > row.limitPct + TOL) {
        err(at, `limit +-${p.limitPct} % is looser than the table's +-${row.limitPct} % (${row.id}: ${row.text}); set limitPct: ${row.limitPct} or tighter`);
      }
      if (p.row && p.row !== row.id) warn(at, `row says ${p.row} but the point falls under ${row.id}; set row: ${row.id}`);
    }
    if (p.durationS !== undefined && p.durationS < plan.defaults.minDurationS) {
      warn(at, `durationS ${p.durationS} s is below defaults.minDurationS ${plan.defaults.minDurationS} s`);
    }
  }
  // Coverage: every row should have at least one point at each end of its current range.
  for (const row of table.rows) {
    const covered = plan.points.filter((p) => applicableRow(table, p, ratings)?.id === row.id);
    if (covered.length === 0) {
      warn('points', `no point tests ${row.id} (${row.text}); add one, e.g. at ${boundA(row.currentFrom, ratings)} A`);
    }
  }
  return issues;
}
