// Builds each period's validation input from stored records and configuration, and runs the rules. Pure.
import type { MeterConfig } from '../../../device/config/gateway-config.js';
import type { IntervalRecord } from '../../../device/records/record-types.js';
import { parseDecimal, toNumber } from '../../../drivers/rational.js';
import { halfHours, HALF_HOUR_MS, seriesData, seriesOf, type Series } from '../series.js';
import { validatePeriod, type PeriodContext, type PeriodInput, type RuleResult, type Verdict } from './rules.js';

export interface Session {
  device: string;
  meter?: string;
  fromMs: number;
  toMs: number;
  source: string;
}

export interface ValidationInputs {
  /** "device/meter" -> the meter's configuration (from gateway configuration files). */
  meters: Map<string, MeterConfig>;
  /** Known consumption (e.g. charging sessions from the charge point's back office). */
  sessions: Session[];
  /** "device/meter" -> time a key field changed with no proving test passed since. */
  provingDue: Map<string, number>;
}

export interface PeriodVerdict {
  series: Series;
  startMs: number;
  recordId: string | null;
  revision: number | null;
  verdict: Verdict;
  /** Rules that did not pass. */
  findings: RuleResult[];
}

/** Most Wh the metering can pass in `ms`: 110 % Un x Imax x phases, through CT and VT ratios, rounded up. */
export function maxWhOf(m: MeterConfig, ms: number): number {
  const ratios = toNumber(parseDecimal(m.compensation.ctRatio)) * toNumber(parseDecimal(m.compensation.vtRatio));
  return Math.ceil(m.ratedVoltageV * 1.1 * m.maxCurrentA * m.phases * ratios * (ms / 3_600_000));
}

function context(s: Series, startMs: number, endMs: number, finer: IntervalRecord[], inp: ValidationInputs): PeriodContext {
  const m = inp.meters.get(`${s.dev}/${s.meter}`);
  const session = inp.sessions.find((x) => x.device === s.dev && (x.meter === undefined || x.meter === s.meter) && x.fromMs < endMs && x.toMs > startMs);
  const finerWh = finer.reduce((n, r) => n + r.energyWh, 0);
  const consumptionKnown = session ? `${session.source} session ${new Date(session.fromMs).toISOString()}..${new Date(session.toMs).toISOString()}` : finerWh > 0 ? `the PT15M records of the same register show ${finerWh} Wh` : null;
  const due = inp.provingDue.get(`${s.dev}/${s.meter}`);
  return { maxWh: m ? maxWhOf(m, endMs - startMs) : null, consumptionKnown, importOnly: m?.role === 'charger', provingDueSince: due ?? null };
}

export function validateRange(records: IntervalRecord[], fromMs: number, toMs: number, inp: ValidationInputs): PeriodVerdict[] {
  const out: PeriodVerdict[] = [];
  for (const s of seriesOf(records)) {
    const d = seriesData(records, s);
    for (const t of halfHours(fromMs, toMs)) {
      const rec = d.half.get(t) ?? null;
      const finer = [d.quarter.get(t), d.quarter.get(t + 900_000)].filter((r): r is IntervalRecord => r !== undefined);
      const p: PeriodInput = { amsid: s.amsid, dev: s.dev, meter: s.meter, channel: s.channel, startMs: t, endMs: t + HALF_HOUR_MS, record: rec, finer, context: context(s, t, t + HALF_HOUR_MS, finer, inp) };
      const { verdict, results } = validatePeriod(p);
      out.push({ series: s, startMs: t, recordId: rec?.id ?? null, revision: rec?.revision ?? null, verdict, findings: results.filter((r) => r.outcome !== 'pass') });
    }
  }
  return out;
}
