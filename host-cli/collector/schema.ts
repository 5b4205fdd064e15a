// The collector schema, one definition for both backends (docs/collector.md "Storage schema").
export type Dialect = 'sqlite' | 'postgres';

export function schemaSql(d: Dialect): string[] {
  const serial = d === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'BIGSERIAL PRIMARY KEY';
  return [
    `CREATE TABLE IF NOT EXISTS records (
      id TEXT PRIMARY KEY,
      device TEXT NOT NULL,
      seq BIGINT NOT NULL,
      hash TEXT NOT NULL,
      prev TEXT NOT NULL,
      kid TEXT NOT NULL,
      type TEXT NOT NULL,
      created TEXT NOT NULL,
      received_at BIGINT NOT NULL,
      meter TEXT,
      channel TEXT,
      period_start BIGINT,
      revision INTEGER,
      compact TEXT NOT NULL,
      UNIQUE (device, seq)
    )`,
    `CREATE INDEX IF NOT EXISTS records_interval ON records (device, meter, channel, period_start, revision)`,
    `CREATE INDEX IF NOT EXISTS records_period ON records (period_start)`,
    `CREATE TABLE IF NOT EXISTS device_keys (
      device TEXT NOT NULL,
      kid TEXT NOT NULL,
      alg TEXT NOT NULL,
      jwk TEXT NOT NULL,
      valid_from BIGINT NOT NULL,
      valid_to BIGINT,
      source TEXT NOT NULL,
      added_at BIGINT NOT NULL,
      PRIMARY KEY (device, kid)
    )`,
    `CREATE TABLE IF NOT EXISTS rejections (
      rid ${serial},
      received_at BIGINT NOT NULL,
      topic TEXT NOT NULL,
      device TEXT,
      record_id TEXT,
      reason TEXT NOT NULL,
      detail TEXT NOT NULL,
      raw TEXT NOT NULL
    )`,
    `CREATE INDEX IF NOT EXISTS rejections_reason ON rejections (reason)`,
    `CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)`,
    // Appended (collector branch): announced chain tails and the recovery alarms. Add new statements after these.
    `CREATE TABLE IF NOT EXISTS device_tails (device TEXT PRIMARY KEY, seq BIGINT NOT NULL, seen_at BIGINT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS collector_alarms (
      aid ${serial},
      at BIGINT NOT NULL,
      device TEXT NOT NULL,
      kind TEXT NOT NULL,
      from_seq BIGINT NOT NULL,
      to_seq BIGINT NOT NULL,
      detail TEXT NOT NULL
    )`,
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
