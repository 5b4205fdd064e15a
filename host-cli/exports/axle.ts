// Axle Energy asset readings (seeds/000, standards.md §7.1): POST /data/readings with
// {readings: [{asset_id, start_timestamp, end_timestamp, value, label}]}. The labels follow the meter's role
// (axle-roles.ts). Sign convention: positive = import (into the site / into the battery).
import type { IntervalRecord } from '../../device/records/record-types.js';
import { parseDecimal } from '../../drivers/rational.js';
import { AXLE_ROLES, axleRoleOf, type AxleRole } from './axle-roles.js';
import { checkEstimated } from './estimated.js';
import { combine, isoMs, lookupMapped, type Combined } from './intervals.js';
import { KwhLiteral } from './kwh.js';
import { ExportRefused } from './refusal.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AxleReading {
  asset_id: string;
  start_timestamp: string;
  end_timestamp: string;
  /** kWh or kW with three decimals; the literal holds thousandths (Wh, or W). */
  value: KwhLiteral;
  label: string;
}

/** An asset map entry: the asset uuid, or the uuid with the meter's role. */
export type AxleAssetEntry = string | { assetId: string; role?: string };

export interface AxleOptions {
  /** "device/meter" or "device" -> Axle asset uuid (optionally with the role). */
  assetMap: Record<string, AxleAssetEntry>;
  /** "device/meter" -> role, from gateway configurations (meters[].role). */
  roles?: Record<string, string>;
  /** Also send the lifetime register(s) at the end of each interval (start = end timestamp). */
  lifetime?: boolean;
  /** Leave out the channel the role has no label for (a charger's export, solar's import). Default: refuse it. */
  skipUnlabelled?: boolean;
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

function assetAndRole(o: AxleOptions, dev: string, meter: string): { asset: string; role: AxleRole } {
  const entry = lookupMapped(o.assetMap, dev, meter);
  if (!entry) throw new ExportRefused(FORMAT, `no Axle asset id for "${dev}/${meter}" (or "${dev}") in the asset map`);
  const asset = typeof entry === 'string' ? entry : entry.assetId;
  if (typeof asset !== 'string' || !UUID.test(asset)) throw new ExportRefused(FORMAT, `asset id "${String(asset)}" for ${dev}/${meter} is not a UUID`);
  const mapRole = typeof entry === 'string' ? undefined : entry.role;
  const cfgRole = o.roles ? lookupMapped(o.roles, dev, meter) : undefined;
  if (mapRole !== undefined && cfgRole !== undefined && mapRole !== cfgRole) {
    throw new ExportRefused(FORMAT, `${dev}/${meter}: the asset map says role "${mapRole}" but the gateway configuration says "${cfgRole}"; make them agree`);
  }
  const role = mapRole ?? cfgRole;
  if (role === undefined) {
    throw new ExportRefused(FORMAT, `${dev}/${meter}: no role known; pass the gateway configuration (--gateway-config FILE) or give {"assetId", "role"} in the asset map`);
  }
  return { asset, role: axleRoleOf(role, `${dev}/${meter}`) };
}

/** Average power over the interval in W (thousandths of kW): Wh x 3600 s / duration, exact for our durations. */
function averageW(wh: bigint, c: Combined): bigint {
  return (wh * 3_600_000n) / BigInt(c.endMs - c.startMs);
}

export function buildAxleReadings(records: IntervalRecord[], o: AxleOptions): { readings: AxleReading[] } {
  const halfHours = combine(records, HALF_HOUR, FORMAT);
  for (const c of halfHours) {
    if (c.energyWh < 0n) throw new ExportRefused(FORMAT, `${c.dev}/${c.meter} ${c.channel} at ${isoMs(c.startMs)} has ${c.energyWh} Wh; channel energy must be >= 0`);
  }
  const byMeter = new Map<string, Combined[]>();
  for (const c of halfHours) {
    const k = `${c.dev}\u0000${c.meter}`;
    const l = byMeter.get(k);
    if (l) l.push(c);
    else byMeter.set(k, [c]);
  }
  const readings: AxleReading[] = [];
  for (const list of byMeter.values()) {
    const { dev, meter } = list[0]!;
    const { asset, role } = assetAndRole(o, dev, meter);
    const labels = AXLE_ROLES[role];
    const skipped = list.filter((c) => c.channel === labels.unlabelled);
    if (skipped.length && !o.skipUnlabelled) {
      throw new ExportRefused(FORMAT, `${dev}/${meter} (role ${role}): ${skipped.length} ${labels.unlabelled}-channel interval(s) (e.g. ${isoMs(skipped[0]!.startMs)}) have no Axle label; pass --skip-unlabelled to leave them out knowingly`);
    }
    const used = list.filter((c) => c.channel !== labels.unlabelled);
    checkEstimated(FORMAT, used, o.allowEstimated ?? false);
    const imp = new Map(used.filter((c) => c.channel === 'import').map((c) => [c.startMs, c]));
    const exp = new Map(used.filter((c) => c.channel === 'export').map((c) => [c.startMs, c]));
    const starts = [...new Set(used.map((c) => c.startMs))].sort((a, b) => a - b);
    const lastLifetime = new Map<string, bigint>();
    for (const t of starts) {
      const i = imp.get(t);
      const e = exp.get(t);
      const { label, kind, source } = labels.interval;
      let value: bigint;
      let span: Combined;
      if (source === 'net') {
        // Both directions of the meter must be there, or the net would invent a zero.
        if ((imp.size && !i) || (exp.size && !e)) {
          throw new ExportRefused(FORMAT, `${dev}/${meter} (role ${role}) at ${isoMs(t)}: ${!i ? 'import' : 'export'} half hour missing; ${label} is import - export and needs both`);
        }
        span = (i ?? e)!;
        value = averageW((i?.energyWh ?? 0n) - (e?.energyWh ?? 0n), span);
      } else {
        const c = source === 'import' ? i : e;
        if (!c) continue;
        span = c;
        value = kind === 'energy' ? c.energyWh : averageW(c.energyWh, c);
      }
      readings.push({ asset_id: asset, start_timestamp: isoMs(span.startMs), end_timestamp: isoMs(span.endMs), value: new KwhLiteral(value), label });
      if (!o.lifetime) continue;
      for (const [ch, c] of [['import', i], ['export', e]] as const) {
        const lifeLabel = labels.lifetime[ch];
        if (!lifeLabel || !c) continue;
        const wh = registerWh(c.registerEnd, c.whPerCount, `${dev}/${meter} ${ch} at ${isoMs(c.endMs)}`);
        if (wh < 0n) throw new ExportRefused(FORMAT, `${dev}/${meter}: lifetime register ${wh} Wh is negative`);
        const prev = lastLifetime.get(ch);
        if (prev !== undefined && wh < prev) {
          throw new ExportRefused(FORMAT, `${dev}/${meter}: lifetime ${ch} register goes down at ${isoMs(c.endMs)} (${prev} -> ${wh} Wh); a register label must not decrease`);
        }
        lastLifetime.set(ch, wh);
        readings.push({ asset_id: asset, start_timestamp: isoMs(c.endMs), end_timestamp: isoMs(c.endMs), value: new KwhLiteral(wh), label: lifeLabel });
      }
    }
  }
  return { readings };
}
