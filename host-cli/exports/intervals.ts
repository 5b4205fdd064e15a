// Selecting and combining stored interval records for the exporters: pure functions.
import type { IntervalRecord, Resolution } from '../../device/records/record-types.js';
import { ExportRefused } from './refusal.js';

export const RES_MS: Record<Resolution, number> = { PT15M: 900_000, PT30M: 1_800_000, PT60M: 3_600_000 };

/** The latest revision of each interval (device, meter, channel, start, resolution); all revisions stay stored. */
export function latestRevisions(records: IntervalRecord[]): IntervalRecord[] {
  const best = new Map<string, IntervalRecord>();
  for (const r of records) {
    const k = `${r.dev}\u0000${r.meter.id}\u0000${r.channel}\u0000${Date.parse(r.period.start)}\u0000${r.period.resolution}`;
    const b = best.get(k);
    if (!b || r.revision > b.revision) best.set(k, r);
  }
  return [...best.values()].sort(
    (a, b) =>
      a.dev.localeCompare(b.dev) || a.meter.id.localeCompare(b.meter.id) || a.channel.localeCompare(b.channel) || Date.parse(a.period.start) - Date.parse(b.period.start),
  );
}

export interface Combined {
  dev: string;
  meter: string;
  amsid: string;
  channel: IntervalRecord['channel'];
  startMs: number;
  endMs: number;
  energyWh: bigint;
  /** 'estimated' if any part is estimated. */
  quality: 'actual' | 'estimated';
  /** Latest creation time among the parts (ms). */
  createdMs: number;
  /** Register at the end of the last part and its Wh per count. */
  registerEnd: string;
  whPerCount: string;
  parts: IntervalRecord[];
}

/**
 * Sums source intervals into target periods of `targetMs`, exactly. A gateway may publish several resolutions of the
 * same register (PT30M is mandatory, PT15M and PT60M optional): for each target period the coarsest resolution that
 * covers it completely is chosen and only its intervals are summed, so resolutions are never mixed in one sum. A
 * source period longer than the target is used only where finer data covers its span (no profile is invented).
 * Target periods are aligned to multiples of `targetMs` from `alignOriginMs` (UTC epoch by default; GB settlement
 * half hours are UTC-aligned too).
 */
export function combine(records: IntervalRecord[], targetMs: number, format: string, alignOriginMs = 0): Combined[] {
  const alignDown = (ms: number): number => ms - ((((ms - alignOriginMs) % targetMs) + targetMs) % targetMs);
  const groups = new Map<string, Map<Resolution, IntervalRecord[]>>();
  const coarse: IntervalRecord[] = [];
  for (const r of records) {
    const srcMs = RES_MS[r.period.resolution];
    const start = Date.parse(r.period.start);
    if ((start - alignOriginMs) % srcMs !== 0) {
      throw new ExportRefused(format, `interval ${r.id} starts at ${r.period.start}, not aligned to its resolution ${r.period.resolution}`);
    }
    if (srcMs > targetMs) {
      coarse.push(r);
      continue;
    }
    const k = `${seriesKey(r)}\u0000${alignDown(start)}`;
    let byRes = groups.get(k);
    if (!byRes) groups.set(k, (byRes = new Map()));
    const list = byRes.get(r.period.resolution);
    if (list) list.push(r);
    else byRes.set(r.period.resolution, [r]);
  }
  const out: Combined[] = [];
  const covered = new Set<string>();
  for (const byRes of groups.values()) {
    const any = [...byRes.values()][0]![0]!;
    const t = alignDown(Date.parse(any.period.start));
    const choices = [...byRes.entries()].sort((a, b) => RES_MS[b[0]] - RES_MS[a[0]]);
    const chosen = choices.map(([, parts]) => parts).find((parts) => coversExactly(parts, t, targetMs));
    if (!chosen) {
      const have = choices.flatMap(([, parts]) => parts).map((p) => `${p.period.start} ${p.period.resolution}`).join(', ');
      throw new ExportRefused(
        format,
        `${any.dev}/${any.meter.id} ${any.channel}: the period ${new Date(t).toISOString()} + ${targetMs / 60_000} min is not fully covered by any one resolution (have ${have}); request a resend (amsgate collect --gaps --request-resend) or export a range without it`,
      );
    }
    out.push(sumParts(chosen, t, targetMs, format));
    covered.add(`${seriesKey(any)}\u0000${t}`);
  }
  for (const r of coarse) {
    const s = Date.parse(r.period.start);
    for (let t = s; t < s + RES_MS[r.period.resolution]; t += targetMs) {
      if (!covered.has(`${seriesKey(r)}\u0000${t}`)) {
        throw new ExportRefused(format, `interval ${r.id} is ${r.period.resolution} and no finer data covers ${new Date(t).toISOString()}; it cannot be split into ${targetMs / 60_000}-minute periods without inventing a profile`);
      }
    }
  }
  return out.sort((a, b) => a.dev.localeCompare(b.dev) || a.meter.localeCompare(b.meter) || a.channel.localeCompare(b.channel) || a.startMs - b.startMs);
}

const seriesKey = (r: IntervalRecord): string => `${r.dev}\u0000${r.meter.id}\u0000${r.channel}`;

/** True when `parts` (one resolution) tile [t, t + targetMs) with no hole and no overlap. */
function coversExactly(parts: IntervalRecord[], t: number, targetMs: number): boolean {
  parts.sort((a, b) => Date.parse(a.period.start) - Date.parse(b.period.start));
  let cursor = t;
  for (const p of parts) {
    if (Date.parse(p.period.start) !== cursor) return false;
    cursor += RES_MS[p.period.resolution];
  }
  return cursor === t + targetMs;
}

function sumParts(parts: IntervalRecord[], t: number, targetMs: number, format: string): Combined {
  const first = parts[0]!;
  for (const p of parts) {
    if (p.energyWh < 0) throw new ExportRefused(format, `interval ${p.id} has ${p.energyWh} Wh; channel energy must be >= 0 (import and export are separate non-negative series)`);
  }
  const amsids = new Set(parts.map((p) => p.amsid));
  if (amsids.size > 1) throw new ExportRefused(format, `${first.dev}/${first.meter.id} ${first.channel}: AMSID changes inside ${new Date(t).toISOString()} (${[...amsids].join(', ')})`);
  const last = parts[parts.length - 1]!;
  return {
    dev: first.dev, meter: first.meter.id, amsid: first.amsid, channel: first.channel, startMs: t, endMs: t + targetMs,
    energyWh: parts.reduce((n, p) => n + BigInt(p.energyWh), 0n),
    quality: parts.some((p) => p.quality === 'estimated') ? 'estimated' : 'actual',
    createdMs: Math.max(...parts.map((p) => Date.parse(p.created))),
    registerEnd: last.register.end, whPerCount: last.register.whPerCount, parts,
  };
}

/** ISO 8601 UTC with milliseconds, e.g. 2026-10-25T00:00:00.000Z. */
export const isoMs = (ms: number): string => new Date(ms).toISOString();

/** Reads a JSON object file mapping "device/meter" or "device" to a value. */
export function lookupMapped<T>(map: Record<string, T>, dev: string, meter: string): T | undefined {
  return map[`${dev}/${meter}`] ?? map[dev];
}
