// Axle Energy asset readings (seeds/000, standards.md §7.1): POST /data/readings with
// {readings: [{asset_id, start_timestamp, end_timestamp, value, label}]}.
// Sign convention: positive = import; every label used here is unidirectional and must be >= 0.
import type { IntervalRecord } from '../../device/records/record-types.js';
import { parseDecimal } from '../../drivers/rational.js';
import { combine, isoMs, lookupMapped } from './intervals.js';
import { KwhLiteral } from './kwh.js';
import { ExportRefused } from './refusal.js';

/** Labels this exporter writes, with the constraint Axle documents for each. */
export const AXLE_LABELS = {
  /** Charger energy in one 30-minute interval, kWh, >= 0. */
  interval: 'charger_consumption_energy_kwh',
  /** Lifetime charger energy register, kWh, >= 0 (and, being a register, non-decreasing). */
  lifetime: 'charger_lifetime_consumption_energy_kwh',
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AxleReading {
  asset_id: string;
  start_timestamp: string;
  end_timestamp: string;
  value: KwhLiteral;
  label: string;
}

export interface AxleOptions {
  /** "device/meter" or "device" -> Axle asset uuid. */
  assetMap: Record<string, string>;
  /** Also send the lifetime register at the end of each interval (start = end timestamp). */
  lifetime?: boolean;
  /** Leave export-channel intervals out (Axle has no label for exported charger energy). Default: refuse them. */
  skipExport?: boolean;
  /** Send estimated intervals too (Axle readings carry no quality flag). Default: refuse them. */
  allowEstimated?: boolean;
}

const FORMAT = 'axle';
const HALF_HOUR = 1_800_000;

/** Lifetime register in Wh: counts x whPerCount, which must come out as whole Wh (3 decimals in kWh). */
function registerWh(counts: string, whPerCount: string, where: string): bigint {
  const r = parseDecimal(whPerCount);
  const num = BigInt(counts) * r.num;
  if (num % r.den !== 0n) {
    throw new ExportRefused(FORMAT, `${where}: register ${counts} x ${whPerCount} Wh is not a whole number of Wh; Axle values here carry at most 3 decimals of kWh`);
  }
  return num / r.den;
}

export function buildAxleReadings(records: IntervalRecord[], o: AxleOptions): { readings: AxleReading[] } {
  const exports = records.filter((r) => r.channel === 'export');
  if (exports.length && !o.skipExport) {
    throw new ExportRefused(FORMAT, `${exports.length} export-channel interval(s) (e.g. ${exports[0]!.id}): Axle's charger labels are consumption-only; pass --skip-export to leave them out knowingly`);
  }
  const imports = records.filter((r) => r.channel === 'import');
  for (const r of imports) {
    if (r.energyWh < 0) throw new ExportRefused(FORMAT, `interval ${r.id} has ${r.energyWh} Wh; ${AXLE_LABELS.interval} must be >= 0`);
    if (r.quality === 'estimated' && !o.allowEstimated) {
      throw new ExportRefused(FORMAT, `interval ${r.id} is estimated and Axle readings carry no quality flag; pass --allow-estimated to send estimates`);
    }
  }
  const readings: AxleReading[] = [];
  const lastLifetime = new Map<string, bigint>();
  for (const c of combine(imports, HALF_HOUR, FORMAT)) {
    const asset = lookupMapped(o.assetMap, c.dev, c.meter);
    if (!asset) throw new ExportRefused(FORMAT, `no Axle asset id for "${c.dev}/${c.meter}" (or "${c.dev}") in the asset map`);
    if (!UUID.test(asset)) throw new ExportRefused(FORMAT, `asset id "${asset}" for ${c.dev}/${c.meter} is not a UUID`);
    readings.push({ asset_id: asset, start_timestamp: isoMs(c.startMs), end_timestamp: isoMs(c.endMs), value: new KwhLiteral(c.energyWh), label: AXLE_LABELS.interval });
    if (o.lifetime) {
      const wh = registerWh(c.registerEnd, c.whPerCount, `${c.dev}/${c.meter} at ${isoMs(c.endMs)}`);
      if (wh < 0n) throw new ExportRefused(FORMAT, `${c.dev}/${c.meter}: lifetime register ${wh} Wh is negative`);
      const prev = lastLifetime.get(asset);
      if (prev !== undefined && wh < prev) {
        throw new ExportRefused(FORMAT, `${c.dev}/${c.meter}: lifetime register goes down at ${isoMs(c.endMs)} (${prev} -> ${wh} Wh); a register label must not decrease`);
      }
      lastLifetime.set(asset, wh);
      readings.push({ asset_id: asset, start_timestamp: isoMs(c.endMs), end_timestamp: isoMs(c.endMs), value: new KwhLiteral(wh), label: AXLE_LABELS.lifetime });
    }
  }
  return { readings };
}
