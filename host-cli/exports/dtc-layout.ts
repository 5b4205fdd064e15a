// Layout of the half-hourly asset metering data file written by `amsgate export dtc`.
//
// STATUS [U] UNVERIFIED. The envelope (ZHV header fields, ZPT trailer, '|' separated records each ending with '|') is
// taken from several independent producers (standards.md §2.1, [V-code]/[D]). Of the flow itself only this is
// verified [V] (seeds/003): D0390 is "Asset Metering System Half Hourly Metered Data", it carries kWh, an AMHHDC sends
// it to the HHDC and the HHDC to the SVAA (or an equivalent method agreed between the parties). Its flow version,
// group ids, field order and role codes below are placeholders chosen to mirror the D0036/D0379 shape
// (metering-system group, date group, one value group per settlement period): the DTC is in none of the sources
// searched (2026-12-03: page, code and document search for D0390 and the DTC). Check every entry against the DTC
// (dtc.mrasco.com) before sending a file to anyone; this table is the only place that needs to change.
export const DTC_LAYOUT = {
  /** [U] flow id + 3-digit version for ZHV field 2. */
  flowVersion: 'D0390001',
  /** [U] group id of the per-AMSID group: GRP|AMSID|Measurement Quantity Id| */
  amsidGroup: 'A01',
  /** [U] group id of the per-settlement-date group: GRP|YYYYMMDD| */
  dateGroup: 'A02',
  /** [U] group id of one settlement period: GRP|period number|A or E|kWh to 3 dp| */
  periodGroup: 'A03',
  /** [U] Measurement Quantity Ids, as seen in D0036/D0379 examples: AI active import, AE active export. */
  measurementQuantity: { import: 'AI', export: 'AE' } as const,
  /** [V-code] Actual / Estimated indicator values seen in D0036 builders. */
  actualEstimated: { actual: 'A', estimated: 'E' } as const,
  /** [D] ZHV field 11 test data flag: OPER live, TRnn test. */
  liveFlag: 'OPER',
  /** [D] ZPT field 4 flow count: 1 per file (producers differ). */
  flowCount: 1,
  /** [D] timestamps in ZHV/ZPT are written in UTC as YYYYMMDDHHMMSS. */
  timestampZone: 'UTC',
} as const;
