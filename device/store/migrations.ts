// Versioned schema of the gateway store. Each migration is a function applied once, in order, inside a
// transaction; the highest applied version is recorded so that an older binary refuses a newer database.
import type Database from 'better-sqlite3';
import { decodeCompactUnverified } from '../signing/jws.js';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    up(db) {
      db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        -- Energy register readings, stored at persistIntervalMs, around period boundaries and on events.
        -- Counter values are decimal text: they may pass 2^53.
        CREATE TABLE readings (
          id INTEGER PRIMARY KEY,
          meter TEXT NOT NULL,
          channel TEXT NOT NULL,
          at INTEGER NOT NULL,
          raw TEXT NOT NULL,
          extended TEXT NOT NULL,
          wh_per_count TEXT NOT NULL,
          source TEXT NOT NULL,
          event TEXT NOT NULL
        );
        CREATE INDEX readings_meter_at ON readings (meter, channel, at);

        -- Counter extension state: persisted on every wrap/reset so that a reboot never loses an extension.
        CREATE TABLE counter_state (
          meter TEXT NOT NULL, channel TEXT NOT NULL, state TEXT NOT NULL, updated_at INTEGER NOT NULL,
          PRIMARY KEY (meter, channel)
        );

        -- Settlement engine state per channel and resolution (JSON).
        CREATE TABLE engine_state (
          meter TEXT NOT NULL, channel TEXT NOT NULL, resolution TEXT NOT NULL, state TEXT NOT NULL,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (meter, channel, resolution)
        );

        -- Every revision of every interval, with its signed record.
        CREATE TABLE intervals (
          record_id TEXT PRIMARY KEY,
          meter TEXT NOT NULL,
          channel TEXT NOT NULL,
          resolution TEXT NOT NULL,
          period_start INTEGER NOT NULL,
          period_end INTEGER NOT NULL,
          revision INTEGER NOT NULL,
          energy_wh TEXT NOT NULL,
          quality TEXT NOT NULL,
          seq INTEGER NOT NULL,
          compact TEXT NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX intervals_period ON intervals (meter, channel, resolution, period_start, revision);
        CREATE INDEX intervals_start ON intervals (period_start);

        -- Every alarm record (raised and cleared), and which alarms are active now.
        CREATE TABLE alarms (
          id INTEGER PRIMARY KEY,
          kind TEXT NOT NULL,
          meter TEXT NOT NULL,           -- '' for device-wide alarms
          active INTEGER NOT NULL,
          raised_at INTEGER NOT NULL,
          cleared_at INTEGER,
          detail TEXT NOT NULL,
          raise_record_id TEXT NOT NULL,
          clear_record_id TEXT
        );
        CREATE UNIQUE INDEX alarms_one_active ON alarms (kind, meter) WHERE active = 1;

        -- Messages waiting for (or given) a PUBACK, written in the same transaction as their record.
        CREATE TABLE outbox (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          topic TEXT NOT NULL,
          payload TEXT NOT NULL,
          qos INTEGER NOT NULL,
          record_id TEXT,
          created_at INTEGER NOT NULL,
          delivered_at INTEGER
        );
        CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL;

        -- Installation key fields as seen at each start (a change needs a new proving test).
        CREATE TABLE key_fields (
          id INTEGER PRIMARY KEY,
          at INTEGER NOT NULL,
          fields TEXT NOT NULL
        );

        -- Last operational values per meter, written at persistIntervalMs (not at poll rate) for \`amsgate status\`.
        CREATE TABLE meter_status (
          meter TEXT PRIMARY KEY,
          at INTEGER NOT NULL,
          ok INTEGER NOT NULL,
          values_json TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 2,
    name: 'every signed record by seq',
    up(db) {
      // Every sealed record, whatever its type, kept for the retention time independently of the outbox: a capped
      // outbox drops delivery attempts, never records, and `resend` by seq range re-queues any of them.
      db.exec(`
        CREATE TABLE records (
          seq INTEGER PRIMARY KEY,
          record_id TEXT NOT NULL UNIQUE,
          type TEXT NOT NULL,
          compact TEXT NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX records_created ON records (created_at);
      `);
      // Backfill from what version 1 kept: interval records, and the outbox rows still there (alarms included).
      const ins = db.prepare('INSERT OR IGNORE INTO records (seq, record_id, type, compact, created_at) VALUES (?, ?, ?, ?, ?)');
      const add = (compact: string, createdAt: number): void => {
        const p = decodeCompactUnverified(compact).payload as { seq: number; id: string; type: string };
        ins.run(p.seq, p.id, p.type, compact, createdAt);
      };
      // In pages: a store of years holds many intervals, and a write cannot run while a query iterates.
      const copy = (sql: string): void => {
        const page = db.prepare(sql);
        for (let after = 0; ; ) {
          const rows = page.all(after) as { rid: number; compact: string; created_at: number }[];
          if (rows.length === 0) break;
          for (const r of rows) add(r.compact, r.created_at);
          after = rows[rows.length - 1]!.rid;
        }
      };
      copy('SELECT rowid AS rid, compact, created_at FROM intervals WHERE rowid > ? ORDER BY rowid LIMIT 1000');
      copy('SELECT id AS rid, payload AS compact, created_at FROM outbox WHERE record_id IS NOT NULL AND id > ? ORDER BY id LIMIT 1000');
    },
  },
];

export const SCHEMA_VERSION = migrations[migrations.length - 1]!.version;
