// Validation of one settlement period of one AMSID (seeds/003: the data collector validates what it collects).
// Each rule is a pure function of the period's data and its context; docs/data-collector.md "Validation" lists them.
import type { IntervalRecord } from '../../../device/records/record-types.js';

export type RuleName =
  | 'missing'
  | 'estimated-at-source'
  | 'source-flags'
  | 'alarm-active'
  | 'reversed-energy'
  | 'implausible-advance'
  | 'zero-during-consumption'
  | 'key-field-change-without-proving-test';

export type Outcome = 'pass' | 'warn' | 'fail';
export interface RuleResult {
  rule: RuleName;
  outcome: Outcome;
  detail: string;
}

export interface PeriodContext {
  /** Most energy the metering can record in the period (Wh), from the configuration; null when unknown. */
  maxWh: number | null;
  /** Evidence that the asset consumed in the period (a session, finer data), or null when none is known. */
  consumptionKnown: string | null;
  /** The asset can only import (a charger): energy on its export channel means reversed metering. */
  importOnly: boolean;
  /** A key field changed at this time and no proving test has passed since; null when none is due. */
  provingDueSince: number | null;
}

export interface PeriodInput {
  amsid: string;
  dev: string;
  meter: string;
  channel: 'import' | 'export';
  startMs: number;
  endMs: number;
  /** The latest revision of the period's PT30M record, or null when none is stored. */
  record: IntervalRecord | null;
  /** Latest revisions of finer (PT15M) records inside the period. */
  finer: IntervalRecord[];
  context: PeriodContext;
}

const pass = (rule: RuleName): RuleResult => ({ rule, outcome: 'pass', detail: '' });

/**
 * Source flags and what they mean for validation. Flags the gateway raises (device/records/record-types.ts) and those
 * other gateways or later versions may raise; an unknown flag is a warning that names it.
 */
export const FLAG_OUTCOME: Record<string, Outcome> = {
  'energy-power-mismatch': 'fail',
  'implausible-advance': 'fail',
  'meter-reset': 'fail',
  'counter-decrease': 'fail',
  'clock-unsynchronised': 'warn',
  'gap': 'warn',
  'late-data': 'warn',
  'direction-estimated': 'warn',
  'voltage-out-of-range': 'warn',
  'frequency-out-of-range': 'warn',
  'overcurrent': 'warn',
  // A wrap is handled exactly by counter extension (device/settlement/counter-extension.ts).
  'counter-wrap': 'pass',
  // Judged by its own rule.
  'alarm-active': 'pass',
};

function tilesExactly(parts: IntervalRecord[], startMs: number, endMs: number): boolean {
  let cursor = startMs;
  for (const p of [...parts].sort((a, b) => Date.parse(a.period.start) - Date.parse(b.period.start))) {
    if (Date.parse(p.period.start) !== cursor) return false;
    cursor = Date.parse(p.period.end);
  }
  return cursor === endMs;
}

export function ruleMissing(p: PeriodInput): RuleResult {
  if (p.record) return pass('missing');
  if (p.finer.length && tilesExactly(p.finer, p.startMs, p.endMs)) {
    return { rule: 'missing', outcome: 'warn', detail: `no PT30M record; ${p.finer.length} PT15M records cover it exactly (${p.finer.reduce((n, r) => n + r.energyWh, 0)} Wh)` };
  }
  return { rule: 'missing', outcome: 'fail', detail: 'no record for this period (request a resend, or estimate it)' };
}

export function ruleEstimatedAtSource(p: PeriodInput): RuleResult {
  if (!p.record || p.record.quality !== 'estimated') return pass('estimated-at-source');
  return { rule: 'estimated-at-source', outcome: 'warn', detail: `the gateway estimated it (coverage ${p.record.coveragePermille} per mille)` };
}

export function ruleSourceFlags(p: PeriodInput): RuleResult {
  if (!p.record) return pass('source-flags');
  let worst: Outcome = 'pass';
  const named: string[] = [];
  for (const f of p.record.flags) {
    const o = FLAG_OUTCOME[f] ?? 'warn';
    if (o === 'pass') continue;
    named.push(`${f}${FLAG_OUTCOME[f] === undefined ? ' (unknown flag)' : ''}`);
    if (o === 'fail') worst = 'fail';
    else if (worst === 'pass') worst = 'warn';
  }
  return worst === 'pass' ? pass('source-flags') : { rule: 'source-flags', outcome: worst, detail: named.join(', ') };
}

export function ruleAlarmActive(p: PeriodInput): RuleResult {
  if (!p.record?.flags.includes('alarm-active')) return pass('alarm-active');
  return { rule: 'alarm-active', outcome: 'fail', detail: 'an alarm was active during the period (see the gateway\'s alarm records)' };
}

export function ruleReversedEnergy(p: PeriodInput): RuleResult {
  const r = p.record;
  if (!r) return pass('reversed-energy');
  if (r.energyWh < 0 || BigInt(r.register.end) < BigInt(r.register.start)) {
    return { rule: 'reversed-energy', outcome: 'fail', detail: `${r.channel} channel went backwards (${r.energyWh} Wh, register ${r.register.start} -> ${r.register.end})` };
  }
  if (p.context.importOnly && r.channel === 'export' && r.energyWh > 0) {
    return { rule: 'reversed-energy', outcome: 'fail', detail: `${r.energyWh} Wh on the export channel of an import-only asset: meter or CT reversed?` };
  }
  return pass('reversed-energy');
}

export function ruleImplausibleAdvance(p: PeriodInput): RuleResult {
  const r = p.record;
  if (!r || p.context.maxWh === null || r.energyWh <= p.context.maxWh) return pass('implausible-advance');
  return { rule: 'implausible-advance', outcome: 'fail', detail: `${r.energyWh} Wh is more than the metering can pass in the period (${p.context.maxWh} Wh at 110 % Un and Imax)` };
}

export function ruleZeroDuringConsumption(p: PeriodInput): RuleResult {
  const r = p.record;
  if (!r || r.energyWh !== 0 || p.context.consumptionKnown === null || r.channel !== 'import') return pass('zero-during-consumption');
  return { rule: 'zero-during-consumption', outcome: 'fail', detail: `0 Wh while consumption is known: ${p.context.consumptionKnown}` };
}

export function ruleProvingTest(p: PeriodInput): RuleResult {
  const due = p.context.provingDueSince;
  if (due === null || p.endMs <= due) return pass('key-field-change-without-proving-test');
  return { rule: 'key-field-change-without-proving-test', outcome: 'fail', detail: `a key field changed at ${new Date(due).toISOString()} and no proving test has passed since (amsgate prove)` };
}

export const RULES: readonly ((p: PeriodInput) => RuleResult)[] = [
  ruleMissing, ruleEstimatedAtSource, ruleSourceFlags, ruleAlarmActive, ruleReversedEnergy, ruleImplausibleAdvance,
  ruleZeroDuringConsumption, ruleProvingTest,
];

export type Verdict = 'valid' | 'valid-with-warnings' | 'invalid' | 'missing';

export function validatePeriod(p: PeriodInput): { verdict: Verdict; results: RuleResult[] } {
  const results = RULES.map((r) => r(p));
  const failed = results.filter((r) => r.outcome === 'fail');
  const verdict: Verdict = failed.some((r) => r.rule === 'missing') ? 'missing' : failed.length ? 'invalid' : results.some((r) => r.outcome === 'warn') ? 'valid-with-warnings' : 'valid';
  return { verdict, results };
}
