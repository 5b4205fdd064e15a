// The collector schema, one definition for both backends (docs/collector.md "Storage schema"). Column notation:
// host-cli/sql/create-table.ts (text NOT NULL unless said); test/host/dc/schema-compat.test.ts holds the tables to
// the released ones.
import { createIndex, createTable, type Dialect } from '../sql/create-table.js';

export type { Dialect };

export function schemaSql(d: Dialect): string[] {
  return [
    createTable('records', 'id pk, device, seq bigint, hash, prev, kid, type, created, received_at bigint, meter?, channel?, period_start bigint?, revision int?, compact', ['UNIQUE (device, seq)'], d),
    createIndex('records_interval', 'records', 'device, meter, channel, period_start, revision'),
    createIndex('records_period', 'records', 'period_start'),
    createTable('device_keys', 'device, kid, alg, jwk, valid_from bigint, valid_to bigint?, source, added_at bigint', ['PRIMARY KEY (device, kid)'], d),
    createTable('rejections', 'rid serial, received_at bigint, topic, device?, record_id?, reason, detail, raw', [], d),
    createIndex('rejections_reason', 'rejections', 'reason'),
    createTable('counters', 'name pk, value bigint', [], d),
    // Appended (collector branch): announced chain tails and the recovery alarms. Add new statements after these.
    createTable('device_tails', 'device pk, seq bigint, seen_at bigint', [], d),
    createTable('collector_alarms', 'aid serial, at bigint, device, kind, from_seq bigint, to_seq bigint, detail', [], d),
    // Appended (fleet console): the recovery's resend requests, and the gateways' alarm records newest first.
    createTable('resend_requests', 'device pk, ranges, first_at bigint, last_at bigint, next_at bigint, attempts bigint, why?', [], d),
    `CREATE INDEX IF NOT EXISTS records_alarm ON records (received_at) WHERE type = 'alarm'`,
  ];
}

/** Columns of `records` in insert order. */
export const RECORD_COLUMNS = [
  'id', 'device', 'seq', 'hash', 'prev', 'kid', 'type', 'created', 'received_at',
  'meter', 'channel', 'period_start', 'revision', 'compact',
] as const;

import type { VerifiedRecord } from './store-types.js';

export function recordRow(r: VerifiedRecord): (string | number | null)[] {
  const p = r.payload;
  const isInterval = p.type === 'interval';
  return [
    r.id, r.device, r.seq, r.hash, r.prev, r.kid, r.type, p.created, r.receivedAt,
    isInterval ? p.meter.id : p.meter,
    isInterval ? p.channel : null,
    isInterval ? Date.parse(p.period.start) : null,
    isInterval ? p.revision : null,
    r.compact,
  ];
}
