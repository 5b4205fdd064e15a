// Volue EnergyUsage report delivery (seeds/002, standards.md §7.3): POST {url}/reports, one report per event. The
// submission's subject is the event id and its hours, so a revised report for the same event is a new submission
// and an unchanged one is not sent twice.
import { stringifyWithKwh } from '../../exports/kwh.js';
import { deliverDocument, type DeliveryOptions, type DeliveryOutcome, type Judge } from './deliver-document.js';

export const VOLUE_API = { reportsPath: 'reports' } as const;

const judgeVolue: Judge = () => ({ state: 'accepted', reason: null });

export async function deliverVolueReport(report: unknown, o: DeliveryOptions): Promise<DeliveryOutcome> {
  const r = report as { eventId: string; payloads: { curvePoints: { timestamp: string }[] }[] };
  const hours = [...new Set(r.payloads.flatMap((p) => p.curvePoints.map((c) => c.timestamp)))].sort();
  return deliverDocument('volue', `${r.eventId} ${hours.join(',')}`, stringifyWithKwh(report, 0), VOLUE_API.reportsPath, judgeVolue, o);
}
