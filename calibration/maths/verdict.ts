// Decision rule (pure): ILAC-G8:2019 non-binary statement with a guard band equal to the expanded
// uncertainty U (k from the effective degrees of freedom, 95.45 %). With e the mean error and L the limit:
//   pass          |e| + U <= L   (the whole interval e +- U is inside the limits)
//   fail          |e| - U >  L   (the whole interval is outside)
//   inconclusive  otherwise      (the interval straddles a limit: ILAC "conditional pass/fail")
export type Verdict = 'pass' | 'fail' | 'inconclusive';

export const DECISION_RULE =
  'ILAC-G8:2019 guarded acceptance and rejection, guard band w = U (k = Student t at 95.45 % for the effective degrees of freedom): pass when |error| + U <= limit, ' +
  'fail when |error| - U > limit, inconclusive when the interval error +- U straddles the limit.';

export function verdictOf(meanErrorPct: number, expandedPct: number, limitPct: number): Verdict {
  const a = Math.abs(meanErrorPct);
  if (a + expandedPct <= limitPct) return 'pass';
  if (a - expandedPct > limitPct) return 'fail';
  return 'inconclusive';
}

/** The verdict of a whole run: any fail fails; otherwise any inconclusive point makes it inconclusive. */
export function overallVerdict(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes('fail')) return 'fail';
  if (verdicts.includes('inconclusive') || verdicts.length === 0) return 'inconclusive';
  return 'pass';
}

/**
 * The verdict of a run: the deciding (not informative) points' verdicts, and the reference conditions.
 * Conditions outside the reference range, or not recorded, leave at best inconclusive: a pass needs both.
 */
export function runVerdict(decidingVerdicts: readonly Verdict[], withinReference: boolean | null): Verdict {
  const v = overallVerdict(decidingVerdicts);
  return v === 'pass' && withinReference !== true ? 'inconclusive' : v;
}
