// Elexon data-flow style (DTC pipe) file of half-hourly asset metering data: ZHV header, one group per AMSID and
// settlement date, one record per settlement period (46/48/50 on clock-change days), ZPT trailer with the record
// count. The group layout is UNVERIFIED: see dtc-layout.ts.
import type { IntervalRecord } from '../../device/records/record-types.js';
import { DTC_LAYOUT } from './dtc-layout.js';
import { combine, isoMs } from './intervals.js';
import { formatKwh } from './kwh.js';
import { ExportRefused } from './refusal.js';
import { localDayStartMs, nextDate, periodAt, settlementPeriodsInDay } from '../../device/settlement/periods.js';

export interface DtcOptions {
  /** Settlement dates [fromDate, toDate) as YYYY-MM-DD. */
  fromDate: string;
  toDate: string;
  fileId: string;
  fromRole: string;
  fromMpid: string;
  toRole: string;
  toMpid: string;
  /** OPER (default) or TRnn for test data. */
  testFlag?: string;
  now: () => number;
}

const FORMAT = 'dtc';
const HALF_HOUR = 1_800_000;

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

const rec = (...fields: (string | number)[]): string => `${fields.join('|')}|`;

export function checkDtcOptions(o: DtcOptions): void {
  if (!/^[A-Za-z0-9]{1,10}$/.test(o.fileId)) throw new ExportRefused(FORMAT, `file id "${o.fileId}" must be 1-10 letters or digits`);
  for (const [name, v] of [['--from-mpid', o.fromMpid], ['--to-mpid', o.toMpid]] as const) {
    if (!/^[A-Z0-9]{4}$/.test(v)) throw new ExportRefused(FORMAT, `${name} "${v}" must be a 4-character market participant id (A-Z, 0-9)`);
  }
  for (const [name, v] of [['--from-role', o.fromRole], ['--to-role', o.toRole]] as const) {
    if (!/^[A-Z]$/.test(v)) throw new ExportRefused(FORMAT, `${name} "${v}" must be a 1-letter role code`);
  }
  const flag = o.testFlag ?? DTC_LAYOUT.liveFlag;
  if (flag !== 'OPER' && !/^TR\d{2}$/.test(flag)) throw new ExportRefused(FORMAT, `test flag "${flag}" must be OPER or TRnn`);
  if (!(o.fromDate < o.toDate)) throw new ExportRefused(FORMAT, `settlement date range ${o.fromDate} .. ${o.toDate} is empty (--to is exclusive)`);
}

export function buildDtcFile(records: IntervalRecord[], o: DtcOptions): { text: string; records: number } {
  checkDtcOptions(o);
  const startMs = localDayStartMs(o.fromDate);
  const endMs = localDayStartMs(o.toDate);
  const inRange = records.filter((r) => {
    const s = Date.parse(r.period.start);
    return s >= startMs && s < endMs;
  });
  for (const r of inRange) {
    if (!r.amsid) throw new ExportRefused(FORMAT, `interval ${r.id} has no AMSID; a settlement file needs one per metering system`);
  }
  // Settlement half hours are aligned to UTC half hours (London is UTC+0 or +1), so epoch alignment holds.
  const halfHours = combine(inRange, HALF_HOUR, FORMAT);
  const byAmsid = new Map<string, Map<string, Map<number, (typeof halfHours)[number]>>>();
  for (const c of halfHours) {
    const info = periodAt(c.startMs, 'PT30M');
    const sp = { date: info.settlementDate, period: info.settlementPeriod! };
    for (const p of c.parts) {
      if (p.period.resolution === 'PT30M' && (p.period.settlementDate !== sp.date || p.period.settlementPeriod !== sp.period)) {
        throw new ExportRefused(FORMAT, `interval ${p.id} says settlement ${p.period.settlementDate} period ${p.period.settlementPeriod}, but ${isoMs(c.startMs)} is ${sp.date} period ${sp.period}`);
      }
    }
    const key = `${c.amsid}\u0000${c.channel}`;
    let days = byAmsid.get(key);
    if (!days) byAmsid.set(key, (days = new Map()));
    let day = days.get(sp.date);
    if (!day) days.set(sp.date, (day = new Map()));
    if (day.has(sp.period)) throw new ExportRefused(FORMAT, `AMSID ${c.amsid} ${sp.date} period ${sp.period} comes from two meters (${day.get(sp.period)!.meter}, ${c.meter})`);
    day.set(sp.period, c);
  }
  if (byAmsid.size === 0) throw new ExportRefused(FORMAT, `no interval data for settlement dates ${o.fromDate} .. ${o.toDate} (exclusive)`);
  const now = o.now();
  const lines: string[] = [
    rec('ZHV', o.fileId, DTC_LAYOUT.flowVersion, o.fromRole, o.fromMpid, o.toRole, o.toMpid, stamp(now), '', '', '', o.testFlag ?? DTC_LAYOUT.liveFlag),
  ];
  let count = 0;
  const keys = [...byAmsid.keys()].sort();
  for (const key of keys) {
    const [amsid, channel] = key.split('\u0000') as [string, 'import' | 'export'];
    const days = byAmsid.get(key)!;
    lines.push(rec(DTC_LAYOUT.amsidGroup, amsid, DTC_LAYOUT.measurementQuantity[channel]));
    count++;
    for (let date = o.fromDate; date < o.toDate; date = nextDate(date)) {
      const n = settlementPeriodsInDay(date);
      const day = days.get(date);
      const missing: number[] = [];
      for (let sp = 1; sp <= n; sp++) if (!day?.has(sp)) missing.push(sp);
      if (missing.length) {
        throw new ExportRefused(FORMAT, `AMSID ${amsid} ${date} (${n} periods) lacks period(s) ${missing.length > 12 ? `${missing.slice(0, 12).join(', ')}, ... (${missing.length})` : missing.join(', ')}; a settlement day must be complete`);
      }
      lines.push(rec(DTC_LAYOUT.dateGroup, date.replace(/-/g, '')));
      count++;
      for (let sp = 1; sp <= n; sp++) {
        const c = day!.get(sp)!;
        if (c.energyWh < 0n) throw new ExportRefused(FORMAT, `AMSID ${amsid} ${date} period ${sp} is ${c.energyWh} Wh; import and export are separate non-negative series`);
        lines.push(rec(DTC_LAYOUT.periodGroup, sp, DTC_LAYOUT.actualEstimated[c.quality], formatKwh(c.energyWh)));
        count++;
      }
    }
  }
  lines.push(rec('ZPT', o.fileId, count, '', DTC_LAYOUT.flowCount, stamp(now)));
  return { text: `${lines.join('\n')}\n`, records: count };
}

export { HALF_HOUR };
