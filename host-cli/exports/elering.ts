// Elering Estfeed Datahub metering data (seeds/001, standards.md §7.2). Direction is grid-centric, as seen by the
// metering point operator: IN = energy entering the grid = our EXPORT channel; OUT = energy leaving the grid = our
// IMPORT channel. Quantities in kWh with three decimals; r = PT15M or PT1H; pS on the resolution's boundaries.
import type { IntervalRecord } from '../../device/records/record-types.js';
import { combine, isoMs, lookupMapped, type Combined } from './intervals.js';
import { KwhLiteral } from './kwh.js';
import { ExportRefused } from './refusal.js';

/**
 * Message fields. [V] = read in seeds/001 or standards.md §7.2; [D] = inferred there, to be confirmed against the
 * Datahub Swagger before production use.
 */
export const ELERING_FORMAT = {
  /** [D] top-level metering point key, as in the data-distribution example (`meterEic`). */
  meteringPointKey: 'meterEic',
  /** [V] periods[].r / aI[].pS / inQty / outQty / rTime / rType / kwh */
  readingTypeMetered: 'M',
  readingTypeEstimated: 'E',
  /** [V] at most 35 040 periods per message. */
  maxPeriodsPerMessage: 35_040,
  /** [D] V1 paths under the --submit base URL: POST meter-data, POST meter-data/status. */
  postPath: 'meter-data',
  statusPath: 'meter-data/status',
} as const;

export type EleringResolution = 'PT15M' | 'PT1H';
const TARGET_MS: Record<EleringResolution, number> = { PT15M: 900_000, PT1H: 3_600_000 };

export interface EleringQty {
  rTime: string;
  rType: 'M' | 'E';
  kwh: KwhLiteral;
}
export interface EleringInterval {
  pS: string;
  inQty?: EleringQty;
  outQty?: EleringQty;
}
export interface EleringMessage {
  /** x-document-identification: a fresh UUID, never reused. */
  documentIdentification: string;
  /** x-document-date-time */
  documentDateTime: string;
  meteringPoint: string;
  body: { [k: string]: unknown; periods: { r: EleringResolution; aI: EleringInterval[] }[] };
}

export interface EleringOptions {
  resolution: EleringResolution;
  /** "device/meter" or "device" -> metering point EIC. */
  meterMap: Record<string, string>;
  newId: () => string;
  now: () => number;
}

const FORMAT = 'elering';

function qty(c: Combined): EleringQty {
  if (c.energyWh < 0n) throw new ExportRefused(FORMAT, `${c.dev}/${c.meter} ${c.channel} at ${isoMs(c.startMs)} is ${c.energyWh} Wh; inQty/outQty are non-negative quantities`);
  return { rTime: isoMs(c.createdMs), rType: c.quality === 'estimated' ? 'E' : 'M', kwh: new KwhLiteral(c.energyWh) };
}

export function buildEleringMessages(records: IntervalRecord[], o: EleringOptions): EleringMessage[] {
  const combined = combine(records, TARGET_MS[o.resolution], FORMAT);
  const byPoint = new Map<string, Map<number, EleringInterval>>();
  for (const c of combined) {
    const eic = lookupMapped(o.meterMap, c.dev, c.meter);
    if (!eic) throw new ExportRefused(FORMAT, `no metering point EIC for "${c.dev}/${c.meter}" (or "${c.dev}") in the meter map`);
    if (!/^[0-9A-Z-]{16}$/.test(eic)) throw new ExportRefused(FORMAT, `metering point "${eic}" is not a 16-character EIC code`);
    let m = byPoint.get(eic);
    if (!m) byPoint.set(eic, (m = new Map()));
    let ai = m.get(c.startMs);
    if (!ai) m.set(c.startMs, (ai = { pS: isoMs(c.startMs) }));
    const slot = c.channel === 'export' ? 'inQty' : 'outQty';
    if (ai[slot]) throw new ExportRefused(FORMAT, `two meters feed ${slot} of ${eic} at ${ai.pS}; map each meter to its own metering point`);
    ai[slot] = qty(c);
  }
  const messages: EleringMessage[] = [];
  for (const [eic, m] of [...byPoint].sort((a, b) => a[0].localeCompare(b[0]))) {
    const all = [...m.values()].sort((a, b) => a.pS.localeCompare(b.pS)).map((ai) => {
      // Fixed key order: pS, inQty, outQty.
      const o2: EleringInterval = { pS: ai.pS };
      if (ai.inQty) o2.inQty = ai.inQty;
      if (ai.outQty) o2.outQty = ai.outQty;
      return o2;
    });
    for (let i = 0; i < all.length; i += ELERING_FORMAT.maxPeriodsPerMessage) {
      messages.push({
        documentIdentification: o.newId(),
        documentDateTime: isoMs(o.now()),
        meteringPoint: eic,
        body: { [ELERING_FORMAT.meteringPointKey]: eic, periods: [{ r: o.resolution, aI: all.slice(i, i + ELERING_FORMAT.maxPeriodsPerMessage) }] },
      });
    }
  }
  return messages;
}
