// Axle asset readings delivery (seeds/000, standards.md §7.1): POST {url}/data/readings, Bearer token. A 200 answer
// lists every reading with accepted true/false; the submission is accepted only when every reading is.
import { stringifyWithKwh } from '../../exports/kwh.js';
import type { AxleReading } from '../../exports/axle.js';
import { deliverDocument, type DeliveryOptions, type DeliveryOutcome, type Judge } from './deliver-document.js';

export const AXLE_API = { readingsPath: 'data/readings' } as const;

const judgeAxle: Judge = (_status, text) => {
  let j: { responses?: { accepted?: boolean; error?: unknown; label?: string; start_timestamp?: string }[] };
  try {
    j = JSON.parse(text) as typeof j;
  } catch {
    return { state: 'failed', reason: `answer is not JSON: ${text.slice(0, 200)}` };
  }
  if (!Array.isArray(j.responses)) return { state: 'failed', reason: 'answer has no "responses" array' };
  const bad = j.responses.filter((r) => r.accepted !== true);
  if (bad.length === 0) return { state: 'accepted', reason: null };
  const e = bad[0]!;
  return { state: 'failed', reason: `${bad.length} of ${j.responses.length} readings refused (e.g. ${e.label ?? '?'} ${e.start_timestamp ?? '?'}: ${JSON.stringify(e.error ?? null)})` };
};

export async function deliverAxleReadings(body: { readings: AxleReading[] }, o: DeliveryOptions): Promise<DeliveryOutcome> {
  const r = body.readings;
  const assets = [...new Set(r.map((x) => x.asset_id))].sort();
  const from = r.map((x) => x.start_timestamp).sort()[0] ?? '';
  const to = r.map((x) => x.end_timestamp).sort().at(-1) ?? '';
  return deliverDocument('axle', `${assets.join(',')} ${from}..${to}`, stringifyWithKwh(body, 0), AXLE_API.readingsPath, judgeAxle, o);
}
