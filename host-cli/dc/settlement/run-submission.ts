// The D0390-style submission for one volume allocation run and settlement date: actual data where it is stored, the
// active estimate (dc_estimates) where it is not; only AMSIDs whose values differ from what was last sent for that
// date (seeds/003: no resend "unless more accurate data has become available"). The file layout is the DTC export's
// (host-cli/exports/dtc-layout.ts, status [U]).
import { createHash } from 'node:crypto';
import type { IntervalRecord } from '../../../device/records/record-types.js';
import { localDayStartMs, nextDate, periodAt } from '../../../device/settlement/periods.js';
import { buildDtcFile, type DtcOptions } from '../../exports/dtc.js';
import { formatKwh } from '../../exports/kwh.js';
import { combine } from '../../exports/intervals.js';
import type { StoredEstimate } from '../dc-tables.js';
import { HALF_HOUR_MS } from '../series.js';
import type { RunType } from './run-calendar.js';

export interface SentDay {
  amsid: string;
  valuesHash: string;
}

export interface AmsidDay {
  amsid: string;
  /** "period:kWh:A|E" per settlement period, in order. */
  values: string[];
  valuesHash: string;
  estimatedPeriods: number;
  /** Why it is in the file: never sent for this date, or what changed. */
  because: 'first' | 'changed';
}

/** An active estimate as an interval of the estimated quality, for a period with no actual data. */
export function estimateAsRecord(e: StoredEstimate): IntervalRecord {
  const p = periodAt(e.periodStart, 'PT30M');
  return {
    v: 1, id: `estimate/${e.amsid}/${e.periodStart}/r${e.revision}`, dev: e.device, seq: 0, prev: '', kid: '', created: new Date(e.updatedAt).toISOString(),
    type: 'interval', meter: { id: e.meter, serial: '', model: '' }, amsid: e.amsid, channel: e.channel as IntervalRecord['channel'],
    period: { start: new Date(e.periodStart).toISOString(), end: new Date(e.periodStart + HALF_HOUR_MS).toISOString(), resolution: 'PT30M', settlementDate: p.settlementDate, settlementPeriod: p.settlementPeriod },
    energyWh: e.energyWh, energyKwh: formatKwh(BigInt(e.energyWh)), rawCounts: '0', register: { start: '0', end: '0', whPerCount: '1' },
    quality: 'estimated', coveragePermille: 0, flags: [], revision: 0,
  };
}

/** Actual records of the day plus the estimates for half hours that have none (and no covering PT15M pair). */
export function dayData(records: IntervalRecord[], active: StoredEstimate[], date: string): IntervalRecord[] {
  const start = localDayStartMs(date);
  const end = localDayStartMs(nextDate(date));
  const inDay = records.filter((r) => Date.parse(r.period.start) >= start && Date.parse(r.period.start) < end);
  const have = new Set(inDay.map((r) => `${r.amsid}/${r.period.resolution}/${Date.parse(r.period.start)}`));
  const covered = (amsid: string, t: number): boolean => have.has(`${amsid}/PT30M/${t}`) || (have.has(`${amsid}/PT15M/${t}`) && have.has(`${amsid}/PT15M/${t + 900_000}`));
  const est = active.filter((e) => e.state === 'active' && e.periodStart >= start && e.periodStart < end && !covered(e.amsid, e.periodStart));
  return [...inDay, ...est.map(estimateAsRecord)];
}

/** Per AMSID, the day's values, and which of them must be (re)sent given what was sent before. Pure. */
export function changedDays(data: IntervalRecord[], lastSent: SentDay[]): AmsidDay[] {
  const byAmsid = new Map<string, string[]>();
  const est = new Map<string, number>();
  for (const c of combine(data, HALF_HOUR_MS, 'd0390')) {
    const sp = periodAt(c.startMs, 'PT30M').settlementPeriod!;
    const l = byAmsid.get(c.amsid) ?? [];
    l.push(`${sp}:${formatKwh(c.energyWh)}:${c.quality === 'estimated' ? 'E' : 'A'}`);
    byAmsid.set(c.amsid, l);
    if (c.quality === 'estimated') est.set(c.amsid, (est.get(c.amsid) ?? 0) + 1);
  }
  const sent = new Map(lastSent.map((s) => [s.amsid, s.valuesHash]));
  const out: AmsidDay[] = [];
  for (const [amsid, values] of [...byAmsid].sort((a, b) => a[0].localeCompare(b[0]))) {
    const valuesHash = createHash('sha256').update(values.join('|')).digest('base64url');
    const before = sent.get(amsid);
    if (before === valuesHash) continue;
    out.push({ amsid, values, valuesHash, estimatedPeriods: est.get(amsid) ?? 0, because: before === undefined ? 'first' : 'changed' });
  }
  return out;
}

export interface RunFile {
  run: RunType;
  date: string;
  included: AmsidDay[];
  /** AMSIDs of the day left out because what was sent before still holds. */
  unchanged: string[];
  text: string | null;
}

export function buildRunFile(run: RunType, date: string, data: IntervalRecord[], lastSent: SentDay[], o: Omit<DtcOptions, 'fromDate' | 'toDate'>): RunFile {
  const included = changedDays(data, lastSent);
  const all = [...new Set(data.map((r) => r.amsid))].sort();
  const inc = new Set(included.map((d) => d.amsid));
  const text = included.length ? buildDtcFile(data.filter((r) => inc.has(r.amsid)), { ...o, fromDate: date, toDate: nextDate(date) }).text : null;
  return { run, date, included, unchanged: all.filter((a) => !inc.has(a)), text };
}
