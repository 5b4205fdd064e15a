// A stored gateway alarm row -> GatewayAlarm. The payload is the middle part of the signed string, as for intervals
// (store-rows.ts); it was verified on ingest, so it is decoded, not re-verified. PostgreSQL returns BIGINT as strings.
import type { AlarmRecord } from '../../device/records/record-types.js';
import type { GatewayAlarm } from './store-types.js';

export type { GatewayAlarm };

export interface GatewayAlarmRow {
  device: string;
  seq: number | string;
  compact: string;
}

export function gatewayAlarmFromRow(r: GatewayAlarmRow): GatewayAlarm {
  const p = JSON.parse(Buffer.from(String(r.compact).split('.')[1] ?? '', 'base64url').toString('utf8')) as AlarmRecord;
  return { device: String(r.device), seq: Number(r.seq), alarm: p.alarm, meter: p.meter ?? null, state: p.state, at: p.at, detail: p.detail };
}
