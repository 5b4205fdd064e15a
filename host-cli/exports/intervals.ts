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
 * Sums source intervals into target periods of `targetMs`, exactly: each target period needs every source period
 * inside it, and a source period may not be longer than the target (no splitting). Target periods are aligned to
 * multiples of `targetMs` from `alignOriginMs` (UTC epoch by default; GB settlement half hours are UTC-aligned too).
 */
export function combine(records: IntervalRecord[], targetMs: number, format: string, alignOriginMs = 0): Combined[] {
  const groups = new Map<string, IntervalRecord[]>();
  for (const r of records) {
    const srcMs = RES_MS[r.period.resolution];
    if (srcMs > targetMs) {
      throw new ExportRefused(format, `interval ${r.id} is ${r.period.resolution}; it cannot be split into ${targetMs / 60_000}-minute periods without inventing a profile`);
    }
    const start = Date.parse(r.period.start);
    if ((start - alignOriginMs) % srcMs !== 0) {
      throw new ExportRefused(format, `interval ${r.id} starts at ${r.period.start}, not aligned to its resolution ${r.period.resolution}`);
    }
    const t = start - ((((start - alignOriginMs) % targetMs) + targetMs) % targetMs);
    const k = `${r.dev}\u0000${r.meter.id}\u0000${r.channel}\u0000${t}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  const out: Combined[] = [];
  for (const parts of groups.values()) {
    parts.sort((a, b) => Date.parse(a.period.start) - Date.parse(b.period.start));
    const first = parts[0]!;
    const start = Date.parse(first.period.start);
    const t = start - ((((start - alignOriginMs) % targetMs) + targetMs) % targetMs);
    let covered = 0;
    let cursor = t;
    for (const p of parts) {
      const s = Date.parse(p.period.start);
      if (s !== cursor) break;
      cursor = s + RES_MS[p.period.resolution];
      covered += RES_MS[p.period.resolution];
    }
    if (covered !== targetMs || parts.length === 0) {
      const have = parts.map((p) => `${p.period.start} ${p.period.resolution}`).join(', ');
      throw new ExportRefused(
        format,
        `${first.dev}/${first.meter.id} ${first.channel}: the period ${new Date(t).toISOString()} + ${targetMs / 60_000} min is not fully covered (have ${have}); request a resend (amsgate collect --gaps --request-resend) or export a range without it`,
      );
    }
    const amsids = new Set(parts.map((p) => p.amsid));
    if (amsids.size > 1) throw new ExportRefused(format, `${first.dev}/${first.meter.id} ${first.channel}: AMSID changes inside ${new Date(t).toISOString()} (${[...amsids].join(', ')})`);
    const last = parts[parts.length - 1]!;
    out.push({
      dev: first.dev, meter: first.meter.id, amsid: first.amsid, channel: first.channel, startMs: t, endMs: t + targetMs,
      energyWh: parts.reduce((n, p) => n + BigInt(p.energyWh), 0n),
      quality: parts.some((p) => p.quality === 'estimated') ? 'estimated' : 'actual',
      createdMs: Math.max(...parts.map((p) => Date.parse(p.created))),
      registerEnd: last.register.end, whPerCount: last.register.whPerCount, parts,
    });
  }
  return out.sort((a, b) => a.dev.localeCompare(b.dev) || a.meter.localeCompare(b.meter) || a.channel.localeCompare(b.channel) || a.startMs - b.startMs);
}

/** ISO 8601 UTC with milliseconds, e.g. 2026-10-25T00:00:00.000Z. */
export const isoMs = (ms: number): string => new Date(ms).toISOString();

/** Reads a JSON object file mapping "device/meter" or "device" to a value. */
export function lookupMapped<T>(map: Record<string, T>, dev: string, meter: string): T | undefined {
  return map[`${dev}/${meter}`] ?? map[dev];
}
