// Which points decide a run's verdict (pure): all but those marked informative and those no table row covers.
import { applicableRow } from '../limits/applicable-limit.js';
import { limitTableFor } from '../limits/cop11-type5.js';
import type { Plan, PlanPoint } from './plan-schema.js';

export function isInformative(plan: Plan, p: PlanPoint): boolean {
  if (p.informative) return true;
  const d = plan.device;
  return applicableRow(limitTableFor(d.supply), p, { unV: d.unV, inA: d.inA, imaxA: d.imaxA }) === null;
}
