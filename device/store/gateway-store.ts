// The gateway's one SQLite file, as typed operations. All writes that belong together (a closed interval,
// its sealed record, the chain state and the outbox row) go through `transaction`.
import type Database from 'better-sqlite3';
import { openDatabase, type OpenOptions } from './open-database.js';
import { Outbox } from './outbox.js';
import { decodeJson, encodeJson } from './json-codec.js';

export interface ReadingRow {
  meter: string;
  channel: string;
  at: number;
  raw: bigint;
  extended: bigint;
  whPerCount: string;
  /** Why it was stored: 'periodic', 'boundary-first', 'boundary-last', 'event', 'shutdown'. */
  source: string;
  event: string;
}

export interface IntervalRow {
  recordId: string;
  meter: string;
  channel: string;
  resolution: string;
  periodStart: number;
  periodEnd: number;
  revision: number;
  energyWh: bigint;
  quality: string;
  seq: number;
  compact: string;
  createdAt: number;
}

/** One sealed record of any type (migration 2). */
export interface RecordRow {
  seq: number;
  recordId: string;
  type: string;
  compact: string;
  createdAt: number;
}

export interface AlarmRow {
  id: number;
  kind: string;
  meter: string;
  active: boolean;
  raisedAt: number;
  clearedAt: number | null;
  detail: string;
}

export interface MeterStatusRow {
  meter: string;
  at: number;
  ok: boolean;
  values: Record<string, unknown>;
}

export interface Retention {
  intervalDays: number;
  rawReadingDays: number;
}

const DAY = 86_400_000;

export class GatewayStore {
  readonly outbox: Outbox;
  private readonly s;

  constructor(readonly db: Database.Database) {
    this.outbox = new Outbox(db);
    this.s = {
      metaGet: db.prepare('SELECT value FROM meta WHERE key = ?'),
      metaSet: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      reading: db.prepare(
        'INSERT INTO readings (meter, channel, at, raw, extended, wh_per_count, source, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      counterGet: db.prepare('SELECT state FROM counter_state WHERE meter = ? AND channel = ?'),
      counterSet: db.prepare(
        'INSERT INTO counter_state (meter, channel, state, updated_at) VALUES (?, ?, ?, ?) ' +
          'ON CONFLICT(meter, channel) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
      ),
      engineGet: db.prepare('SELECT state FROM engine_state WHERE meter = ? AND channel = ? AND resolution = ?'),
      engineSet: db.prepare(
        'INSERT INTO engine_state (meter, channel, resolution, state, updated_at) VALUES (?, ?, ?, ?, ?) ' +
          'ON CONFLICT(meter, channel, resolution) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
      ),
      interval: db.prepare(
        'INSERT INTO intervals (record_id, meter, channel, resolution, period_start, period_end, revision, energy_wh, quality, seq, compact, created_at) ' +
          'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      record: db.prepare('INSERT INTO records (seq, record_id, type, compact, created_at) VALUES (?, ?, ?, ?, ?)'),
      statusSet: db.prepare(
        'INSERT INTO meter_status (meter, at, ok, values_json) VALUES (?, ?, ?, ?) ' +
          'ON CONFLICT(meter) DO UPDATE SET at = excluded.at, ok = excluded.ok, values_json = excluded.values_json',
      ),
    };
  }

  static open(path: string, opts: OpenOptions = {}): GatewayStore {
    return new GatewayStore(openDatabase(path, opts));
  }

  /** Statements prepared once and kept: preparing per call allocates native memory that waits for a GC. */
  private readonly prepared = new Map<string, Database.Statement>();

  private prep(sql: string): Database.Statement {
    let st = this.prepared.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.prepared.set(sql, st);
    }
    return st;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private commitHooks: (() => void)[] = [];
  private rollbackHooks: (() => void)[] = [];

  /** Runs `fn` in one SQLite transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    const outer = !this.db.inTransaction;
    try {
      const result = this.db.transaction(fn)();
      if (outer) {
        this.rollbackHooks = [];
        for (const hook of this.commitHooks.splice(0)) hook();
      }
      return result;
    } catch (err) {
      if (outer) {
        this.commitHooks = [];
        for (const hook of this.rollbackHooks.splice(0).reverse()) hook();
      }
      throw err;
    }
  }

  /** Runs `fn` if the current outer transaction rolls back (memory that must follow the store); no-op outside one. */
  onRollback(fn: () => void): void {
    if (this.db.inTransaction) this.rollbackHooks.push(fn);
  }

  /** Runs `fn` once the current transaction has committed (at once outside one); dropped if it rolls back. */
  afterCommit(fn: () => void): void {
    if (this.db.inTransaction) this.commitHooks.push(fn);
    else fn();
  }

  getMeta<T>(key: string): T | null {
    const r = this.s.metaGet.get(key) as { value: string } | undefined;
    return r ? decodeJson<T>(r.value) : null;
  }

  setMeta(key: string, value: unknown): void {
    this.s.metaSet.run(key, encodeJson(value));
  }

  insertReading(r: ReadingRow): void {
    this.s.reading.run(r.meter, r.channel, r.at, r.raw.toString(), r.extended.toString(), r.whPerCount, r.source, r.event);
  }

  getCounterState<T>(meter: string, channel: string): T | null {
    const r = this.s.counterGet.get(meter, channel) as { state: string } | undefined;
    return r ? decodeJson<T>(r.state) : null;
  }

  setCounterState(meter: string, channel: string, state: unknown, nowMs: number): void {
    this.s.counterSet.run(meter, channel, encodeJson(state), nowMs);
  }

  getEngineState<T>(meter: string, channel: string, resolution: string): T | null {
    const r = this.s.engineGet.get(meter, channel, resolution) as { state: string } | undefined;
    return r ? decodeJson<T>(r.state) : null;
  }

  setEngineState(meter: string, channel: string, resolution: string, state: unknown, nowMs: number): void {
    this.s.engineSet.run(meter, channel, resolution, encodeJson(state), nowMs);
  }

  insertInterval(r: IntervalRow): void {
    this.s.interval.run(
      r.recordId, r.meter, r.channel, r.resolution, r.periodStart, r.periodEnd, r.revision,
      r.energyWh.toString(), r.quality, r.seq, r.compact, r.createdAt,
    );
  }

  insertRecord(r: RecordRow): void {
    this.s.record.run(r.seq, r.recordId, r.type, r.compact, r.createdAt);
  }

  /** Stored records with fromSeq <= seq <= toSeq, in seq order. */
  recordsBySeq(fromSeq: number, toSeq: number): RecordRow[] {
    const rows = this.prep('SELECT * FROM records WHERE seq >= ? AND seq <= ? ORDER BY seq').all(fromSeq, toSeq) as Record<string, unknown>[];
    return rows.map((r) => ({ seq: Number(r.seq), recordId: String(r.record_id), type: String(r.type), compact: String(r.compact), createdAt: Number(r.created_at) }));
  }

  /** Latest revision of each interval whose period starts in [fromMs, toMs), oldest first. */
  latestIntervals(fromMs: number, toMs: number, meter?: string): IntervalRow[] {
    const rows = this.prep(
        `SELECT i.* FROM intervals i
         JOIN (SELECT meter, channel, resolution, period_start, MAX(revision) AS rev FROM intervals
               WHERE period_start >= ? AND period_start < ? ${meter ? 'AND meter = ?' : ''}
               GROUP BY meter, channel, resolution, period_start) l
           ON i.meter = l.meter AND i.channel = l.channel AND i.resolution = l.resolution
          AND i.period_start = l.period_start AND i.revision = l.rev
         ORDER BY i.period_start, i.meter, i.channel, i.resolution`,
      )
      .all(...(meter ? [fromMs, toMs, meter] : [fromMs, toMs])) as Record<string, unknown>[];
    return rows.map(intervalOf);
  }

  /** The most recently created interval records. */
  recentIntervals(limit: number): IntervalRow[] {
    return (this.prep('SELECT * FROM intervals ORDER BY seq DESC LIMIT ?').all(limit) as Record<string, unknown>[]).map(intervalOf);
  }

  countIntervals(): number {
    return (this.prep('SELECT COUNT(*) AS n FROM intervals').get() as { n: number }).n;
  }

  lastReadings(): { meter: string; channel: string; at: number; extended: string; whPerCount: string }[] {
    return this.prep(
        `SELECT r.meter, r.channel, r.at, r.extended, r.wh_per_count AS whPerCount FROM readings r
         JOIN (SELECT meter, channel, MAX(id) AS id FROM readings GROUP BY meter, channel) l ON r.id = l.id
         ORDER BY r.meter, r.channel`,
      )
      .all() as { meter: string; channel: string; at: number; extended: string; whPerCount: string }[];
  }

  setMeterStatus(s: MeterStatusRow): void {
    this.s.statusSet.run(s.meter, s.at, s.ok ? 1 : 0, JSON.stringify(s.values));
  }

  meterStatuses(): MeterStatusRow[] {
    return (this.prep('SELECT * FROM meter_status ORDER BY meter').all() as Record<string, unknown>[]).map((r) => ({
      meter: String(r.meter),
      at: Number(r.at),
      ok: r.ok === 1,
      values: JSON.parse(String(r.values_json)) as Record<string, unknown>,
    }));
  }

  lastKeyFields(): Record<string, string> | null {
    const r = this.prep('SELECT fields FROM key_fields ORDER BY id DESC LIMIT 1').get() as { fields: string } | undefined;
    return r ? (JSON.parse(r.fields) as Record<string, string>) : null;
  }

  recordKeyFields(atMs: number, fields: Record<string, string>): void {
    this.prep('INSERT INTO key_fields (at, fields) VALUES (?, ?)').run(atMs, JSON.stringify(fields));
  }

  activeAlarm(kind: string, meter: string): AlarmRow | null {
    const r = this.prep('SELECT * FROM alarms WHERE kind = ? AND meter = ? AND active = 1').get(kind, meter) as
      | Record<string, unknown>
      | undefined;
    return r ? alarmOf(r) : null;
  }

  activeAlarms(): AlarmRow[] {
    return (this.prep('SELECT * FROM alarms WHERE active = 1 ORDER BY raised_at').all() as Record<string, unknown>[]).map(alarmOf);
  }

  recentAlarms(limit: number): AlarmRow[] {
    return (this.prep('SELECT * FROM alarms ORDER BY id DESC LIMIT ?').all(limit) as Record<string, unknown>[]).map(alarmOf);
  }

  insertAlarm(kind: string, meter: string, atMs: number, detail: string, recordId: string): void {
    this.prep('INSERT INTO alarms (kind, meter, active, raised_at, detail, raise_record_id) VALUES (?, ?, 1, ?, ?, ?)')
      .run(kind, meter, atMs, detail, recordId);
  }

  clearAlarm(kind: string, meter: string, atMs: number, recordId: string): void {
    this.prep('UPDATE alarms SET active = 0, cleared_at = ?, clear_record_id = ? WHERE kind = ? AND meter = ? AND active = 1')
      .run(atMs, recordId, kind, meter);
  }

  /**
   * Retention: intervals older than intervalDays, and signed records of any type created before then; raw readings
   * older than rawReadingDays whose periods are final (no engine state still starts before them); delivered outbox
   * rows once their intervals are gone.
   */
  prune(nowMs: number, r: Retention, oldestOpenPeriodMs: number | null): { intervals: number; readings: number; outbox: number } {
    return this.transaction(() => {
      const intervals = this.prep('DELETE FROM intervals WHERE period_end < ?').run(nowMs - r.intervalDays * DAY).changes;
      this.prep('DELETE FROM records WHERE created_at < ?').run(nowMs - r.intervalDays * DAY);
      let readingCut = nowMs - r.rawReadingDays * DAY;
      if (oldestOpenPeriodMs !== null) readingCut = Math.min(readingCut, oldestOpenPeriodMs);
      const readings = this.prep('DELETE FROM readings WHERE at < ?').run(readingCut).changes;
      const outbox = this.outbox.pruneDelivered(nowMs - DAY);
      return { intervals, readings, outbox };
    });
  }
}

function intervalOf(r: Record<string, unknown>): IntervalRow {
  return {
    recordId: String(r.record_id),
    meter: String(r.meter),
    channel: String(r.channel),
    resolution: String(r.resolution),
    periodStart: Number(r.period_start),
    periodEnd: Number(r.period_end),
    revision: Number(r.revision),
    energyWh: BigInt(String(r.energy_wh)),
    quality: String(r.quality),
    seq: Number(r.seq),
    compact: String(r.compact),
    createdAt: Number(r.created_at),
  };
}

function alarmOf(r: Record<string, unknown>): AlarmRow {
  return {
    id: Number(r.id),
    kind: String(r.kind),
    meter: String(r.meter),
    active: r.active === 1,
    raisedAt: Number(r.raised_at),
    clearedAt: r.cleared_at === null ? null : Number(r.cleared_at),
    detail: String(r.detail),
  };
}
