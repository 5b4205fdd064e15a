// Volue Spark Energy Coordination API: the EnergyUsage report for one event (seeds/002, standards.md §7.3).
// {eventId, payloads: [{resourceId, locationId, meterPointId, curvePoints: [{kiloWattHours, timestamp}], resolution,
// payloadType}]}: kWh consumed by the resource in each of the event's hours, UTC start-of-hour timestamps.
import type { IntervalRecord } from '../../device/records/record-types.js';
import { checkEstimated } from './estimated.js';
import { combine, isoMs, lookupMapped } from './intervals.js';
import { KwhLiteral } from './kwh.js';
import { ExportRefused } from './refusal.js';

/**
 * Fixed values of the report. Status: payloadType and resolution are in the EnergyUsage page text (seeds/002);
 * standards.md had them as [D] (by analogy with LocationEnergyUsage) before that page was read in full.
 * The timestamp format follows the page's text (`yyyy-MM-ddTHH:mm:ss.fffZ`); its example shows `.000+00:00`, the
 * same instant [D]. Only import (consumed) energy is reported: EnergyUsage has no field for energy given back.
 */
export const VOLUE_FORMAT = {
  payloadType: 'EnergyUsage',
  resolution: '01:00:00',
  /** [D] ISO 8601 UTC with milliseconds and Z, which is what toISOString() writes. */
  timestamp: (ms: number): string => isoMs(ms),
} as const;

export interface VolueEvent {
  eventId: string;
  /** UTC start of each hour of the event. */
  hours: number[];
}

export interface VolueResource {
  resourceId: string;
  locationId: string;
  meterPointId?: string | null;
}

const FORMAT = 'volue';
const HOUR = 3_600_000;

/** Parses the event file: {eventId, hours: [ISO hour starts]} (a "resolution" member, if present, must be 01:00:00). */
export function parseVolueEvent(text: string): VolueEvent {
  let j: { eventId?: unknown; hours?: unknown; resolution?: unknown };
  try {
    j = JSON.parse(text) as typeof j;
  } catch {
    throw new ExportRefused(FORMAT, 'event file is not JSON; expected {"eventId": "...", "hours": ["2026-10-25T16:00:00Z", ...]}');
  }
  if (typeof j.eventId !== 'string' || !j.eventId) throw new ExportRefused(FORMAT, 'event file needs a string "eventId"');
  if (j.resolution !== undefined && j.resolution !== VOLUE_FORMAT.resolution) {
    throw new ExportRefused(FORMAT, `event resolution "${String(j.resolution)}" is not supported; only ${VOLUE_FORMAT.resolution}`);
  }
  if (!Array.isArray(j.hours) || j.hours.length === 0) throw new ExportRefused(FORMAT, 'event file needs "hours": a non-empty array of UTC hour starts');
  const hours = j.hours.map((h) => {
    const ms = typeof h === 'string' ? Date.parse(h) : NaN;
    if (Number.isNaN(ms) || ms % HOUR !== 0) throw new ExportRefused(FORMAT, `event hour "${String(h)}" is not the start of a UTC hour`);
    return ms;
  });
  return { eventId: j.eventId, hours: [...new Set(hours)].sort((a, b) => a - b) };
}

export function buildVolueReport(records: IntervalRecord[], event: VolueEvent, resources: Record<string, VolueResource>, o: { allowEstimated?: boolean } = {}): unknown {
  const wanted = new Set(event.hours);
  const inEvent = records.filter((r) => r.channel === 'import' && wanted.has(Date.parse(r.period.start) - (Date.parse(r.period.start) % HOUR)));
  const byResource = new Map<string, { res: VolueResource; points: { kiloWattHours: KwhLiteral; timestamp: string }[] }>();
  const hours = combine(inEvent, HOUR, FORMAT);
  checkEstimated(FORMAT, hours, o.allowEstimated ?? false);
  for (const c of hours) {
    if (c.energyWh < 0n) throw new ExportRefused(FORMAT, `${c.dev}/${c.meter} used ${c.energyWh} Wh in ${isoMs(c.startMs)}; kiloWattHours is consumption and must be >= 0`);
    const res = lookupMapped(resources, c.dev, c.meter);
    if (!res || !res.resourceId || !res.locationId) throw new ExportRefused(FORMAT, `no resourceId/locationId for "${c.dev}/${c.meter}" (or "${c.dev}") in the resource map`);
    const k = `${res.resourceId}\u0000${res.locationId}\u0000${res.meterPointId ?? ''}`;
    let e = byResource.get(k);
    if (!e) byResource.set(k, (e = { res, points: [] }));
    if (e.points.some((p) => p.timestamp === VOLUE_FORMAT.timestamp(c.startMs))) {
      throw new ExportRefused(FORMAT, `two meters map to resource ${res.resourceId} at ${isoMs(c.startMs)}; give each its own resource or meterPointId`);
    }
    e.points.push({ kiloWattHours: new KwhLiteral(c.energyWh), timestamp: VOLUE_FORMAT.timestamp(c.startMs) });
  }
  const payloads = [...byResource.values()]
    .sort((a, b) => a.res.resourceId.localeCompare(b.res.resourceId))
    .map((e) => ({
      resourceId: e.res.resourceId,
      locationId: e.res.locationId,
      meterPointId: e.res.meterPointId ?? null,
      curvePoints: e.points.sort((a, b) => a.timestamp.localeCompare(b.timestamp)),
      resolution: VOLUE_FORMAT.resolution,
      payloadType: VOLUE_FORMAT.payloadType,
    }));
  return { eventId: event.eventId, payloads };
}
