// Bench results in SQLite, written as they are measured so an interrupted run resumes at the next point.
// Each repetition commits on its own; a point is complete once its summary row exists.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { ConfigError } from '../../drivers/errors.js';
import type { Plan } from '../plan/plan-schema.js';
import type { Verdict } from '../maths/verdict.js';

export interface RunRow {
  id: number;
  label: string;
  planJson: string;
  planHash: string;
  startedAt: number;
  finishedAt: number | null;
  dutJson: string;
  sourceId: string;
  referenceId: string;
  referenceAccuracyPct: number;
  decisionRule: string;
  notes: string;
  /** Random id of the run (hex, 128 bits): with the start time it makes the certificate number. */
  runUid: string;
  /** 1 when source, reference or DUT were simulated. */
  simulated: number;
  /** Where the reference accuracy used came from: certificate, instrument or plan. */
  referenceAccuracySource: string;
  /** Recorded environment (JSON of RecordedEnvironment), or null. */
  environmentJson: string | null;
  /** Real (wall-clock) start and finish, ms; the bench clock may be simulated. */
  wallStartedAt: number;
  wallFinishedAt: number | null;
}

export interface RepetitionRow {
  runId: number;
  pointId: string;
  rep: number;
  deviceWh: number;
  referenceWh: number;
  errorPct: number;
  startedAt: number;
  finishedAt: number;
}

export interface PointRow {
  runId: number;
  pointId: string;
  seq: number;
  durationS: number;
  whPerCount: number;
  n: number;
  meanErrorPct: number;
  stdDevPct: number;
  typeAPct: number;
  referencePct: number;
  resolutionPct: number;
  expandedPct: number;
  /** Coverage factor (Student t at 95.45 % for the effective degrees of freedom). */
  k: number;
  /** Effective degrees of freedom; null when infinite. */
  effectiveDof: number | null;
  /** 1 when the point is informative only (never decides the run's verdict). */
  informative: number;
  /** 1 when the repetitions spread more than maxSpreadShare x limit: the point is not accepted. */
  spreadTooLarge: number;
  limitPct: number;
  verdict: Verdict;
  finishedAt: number;
}

export interface CalibrationRow {
  id: number;
  beforeRunId: number;
  afterRunId: number | null;
  method: string;
  gainFactor: number;
  phaseErrorDeg: number | null;
  detailJson: string;
  at: number;
}

export const planHash = (plan: Plan): string => createHash('sha256').update(JSON.stringify(plan)).digest('hex');

const camel = (s: string): string => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
function rowOf<T>(r: unknown): T {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r as Record<string, unknown>)) o[camel(k)] = v;
  return o as T;
}

// Columns added after the first schema: [table, column, definition]; added to older databases on open.
const ADDED_COLUMNS: [string, string, string][] = [
  ['run', 'run_uid', 'TEXT'],
  ['run', 'simulated', 'INTEGER NOT NULL DEFAULT 0'],
  ['run', 'reference_accuracy_source', "TEXT NOT NULL DEFAULT 'plan'"],
  ['run', 'environment_json', 'TEXT'],
  ['run', 'wall_started_at', 'INTEGER NOT NULL DEFAULT 0'],
  ['run', 'wall_finished_at', 'INTEGER'],
  ['point_result', 'k', 'REAL NOT NULL DEFAULT 2'],
  ['point_result', 'effective_dof', 'REAL'],
  ['point_result', 'informative', 'INTEGER NOT NULL DEFAULT 0'],
  ['point_result', 'spread_too_large', 'INTEGER NOT NULL DEFAULT 0'],
];

export class ResultsStore {
  readonly db: Database.Database;
  /** Opens a database "bench run" wrote; a missing file is an error (a mistyped --results), never a new database. */
  static openExisting(path: string, flag = '--results'): ResultsStore {
    if (path !== ':memory:' && !existsSync(path)) {
      throw new ConfigError('no-results', `no results database ${path} (${flag}); give the --db file that "amsgate bench run" wrote`);
    }
    return new ResultsStore(path);
  }

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS run (
        id INTEGER PRIMARY KEY, label TEXT NOT NULL, plan_json TEXT NOT NULL, plan_hash TEXT NOT NULL,
        started_at INTEGER NOT NULL, finished_at INTEGER, dut_json TEXT NOT NULL, source_id TEXT NOT NULL,
        reference_id TEXT NOT NULL, reference_accuracy_pct REAL NOT NULL, decision_rule TEXT NOT NULL, notes TEXT NOT NULL DEFAULT '');
      CREATE TABLE IF NOT EXISTS repetition (
        run_id INTEGER NOT NULL REFERENCES run(id), point_id TEXT NOT NULL, rep INTEGER NOT NULL,
        device_wh REAL NOT NULL, reference_wh REAL NOT NULL, error_pct REAL NOT NULL,
        started_at INTEGER NOT NULL, finished_at INTEGER NOT NULL, PRIMARY KEY (run_id, point_id, rep));
      CREATE TABLE IF NOT EXISTS point_result (
        run_id INTEGER NOT NULL REFERENCES run(id), point_id TEXT NOT NULL, seq INTEGER NOT NULL,
        duration_s REAL NOT NULL, wh_per_count REAL NOT NULL, n INTEGER NOT NULL, mean_error_pct REAL NOT NULL,
        std_dev_pct REAL NOT NULL, type_a_pct REAL NOT NULL, reference_pct REAL NOT NULL, resolution_pct REAL NOT NULL,
        expanded_pct REAL NOT NULL, limit_pct REAL NOT NULL, verdict TEXT NOT NULL, finished_at INTEGER NOT NULL,
        PRIMARY KEY (run_id, point_id));
      CREATE TABLE IF NOT EXISTS additional_test (
        run_id INTEGER NOT NULL REFERENCES run(id), test TEXT NOT NULL, passed INTEGER, detail TEXT NOT NULL,
        figures_json TEXT NOT NULL, PRIMARY KEY (run_id, test));
      CREATE TABLE IF NOT EXISTS calibration (
        id INTEGER PRIMARY KEY, before_run_id INTEGER NOT NULL, after_run_id INTEGER, method TEXT NOT NULL,
        gain_factor REAL NOT NULL, phase_error_deg REAL, detail_json TEXT NOT NULL, at INTEGER NOT NULL);
    `);
    for (const [table, column, def] of ADDED_COLUMNS) {
      const cols = this.db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
      if (!cols.some((c) => c.name === column)) this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${def}`);
    }
    // Runs from before run_uid existed get one now, so that their certificates have numbers of their own too.
    this.db.exec(`UPDATE run SET run_uid = lower(hex(randomblob(16))) WHERE run_uid IS NULL`);
  }

  createRun(r: Omit<RunRow, 'id' | 'finishedAt' | 'wallFinishedAt'>): number {
    const info = this.db
      .prepare(
        `INSERT INTO run (label, plan_json, plan_hash, started_at, dut_json, source_id, reference_id, reference_accuracy_pct, decision_rule, notes,
           run_uid, simulated, reference_accuracy_source, environment_json, wall_started_at)
         VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      )
      .run(r.label, r.planJson, r.planHash, r.startedAt, r.dutJson, r.sourceId, r.referenceId, r.referenceAccuracyPct, r.decisionRule, r.notes,
        r.runUid, r.simulated, r.referenceAccuracySource, r.environmentJson, r.wallStartedAt);
    return Number(info.lastInsertRowid);
  }

  /** The newest unfinished run with this label (whatever its plan: resuming compares the plan). */
  unfinishedRun(label: string): RunRow | null {
    const r = this.db.prepare(`SELECT * FROM run WHERE label = ? AND finished_at IS NULL ORDER BY id DESC LIMIT 1`).get(label);
    return r ? rowOf<RunRow>(r) : null;
  }

  setEnvironment(id: number, environmentJson: string): void {
    this.db.prepare(`UPDATE run SET environment_json = ? WHERE id = ?`).run(environmentJson, id);
  }

  run(id: number): RunRow | null {
    const r = this.db.prepare(`SELECT * FROM run WHERE id = ?`).get(id);
    return r ? rowOf<RunRow>(r) : null;
  }

  runs(): RunRow[] {
    return this.db.prepare(`SELECT * FROM run ORDER BY id`).all().map((r) => rowOf<RunRow>(r));
  }

  /** The newest finished run (optionally with a label). */
  latestFinishedRun(label?: string): RunRow | null {
    const r = label
      ? this.db.prepare(`SELECT * FROM run WHERE finished_at IS NOT NULL AND label = ? ORDER BY id DESC LIMIT 1`).get(label)
      : this.db.prepare(`SELECT * FROM run WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1`).get();
    return r ? rowOf<RunRow>(r) : null;
  }

  finishRun(id: number, at: number, wallAt: number): void {
    this.db.prepare(`UPDATE run SET finished_at = ?, wall_finished_at = ? WHERE id = ?`).run(at, wallAt, id);
  }

  addRepetition(r: RepetitionRow): void {
    this.db
      .prepare(`INSERT INTO repetition (run_id, point_id, rep, device_wh, reference_wh, error_pct, started_at, finished_at) VALUES (?,?,?,?,?,?,?,?)`)
      .run(r.runId, r.pointId, r.rep, r.deviceWh, r.referenceWh, r.errorPct, r.startedAt, r.finishedAt);
  }

  /** Drops the repetitions of a point that did not complete (it is measured again from the start). */
  discardIncompletePoint(runId: number, pointId: string): number {
    return this.db.prepare(`DELETE FROM repetition WHERE run_id = ? AND point_id = ?`).run(runId, pointId).changes;
  }

  repetitions(runId: number, pointId?: string): RepetitionRow[] {
    const rows = pointId
      ? this.db.prepare(`SELECT * FROM repetition WHERE run_id = ? AND point_id = ? ORDER BY rep`).all(runId, pointId)
      : this.db.prepare(`SELECT * FROM repetition WHERE run_id = ? ORDER BY point_id, rep`).all(runId);
    return rows.map((r) => rowOf<RepetitionRow>(r));
  }

  addPoint(p: PointRow): void {
    this.db
      .prepare(
        `INSERT INTO point_result (run_id, point_id, seq, duration_s, wh_per_count, n, mean_error_pct, std_dev_pct, type_a_pct, reference_pct,
          resolution_pct, expanded_pct, k, effective_dof, informative, spread_too_large, limit_pct, verdict, finished_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      )
      .run(p.runId, p.pointId, p.seq, p.durationS, p.whPerCount, p.n, p.meanErrorPct, p.stdDevPct, p.typeAPct, p.referencePct, p.resolutionPct, p.expandedPct,
        p.k, p.effectiveDof, p.informative, p.spreadTooLarge, p.limitPct, p.verdict, p.finishedAt);
  }

  points(runId: number): PointRow[] {
    return this.db.prepare(`SELECT * FROM point_result WHERE run_id = ? ORDER BY seq`).all(runId).map((r) => rowOf<PointRow>(r));
  }

  setAdditional(runId: number, r: { test: string; passed: boolean | null; detail: string; figures: Record<string, number> }): void {
    this.db
      .prepare(`INSERT OR REPLACE INTO additional_test (run_id, test, passed, detail, figures_json) VALUES (?,?,?,?,?)`)
      .run(runId, r.test, r.passed === null ? null : r.passed ? 1 : 0, r.detail, JSON.stringify(r.figures));
  }

  additional(runId: number): { test: string; passed: boolean | null; detail: string; figures: Record<string, number> }[] {
    return (this.db.prepare(`SELECT * FROM additional_test WHERE run_id = ? ORDER BY rowid`).all(runId) as { test: string; passed: number | null; detail: string; figures_json: string }[]).map(
      (r) => ({ test: r.test, passed: r.passed === null ? null : r.passed === 1, detail: r.detail, figures: JSON.parse(r.figures_json) as Record<string, number> }),
    );
  }

  addCalibration(c: Omit<CalibrationRow, 'id'>): number {
    const info = this.db
      .prepare(`INSERT INTO calibration (before_run_id, after_run_id, method, gain_factor, phase_error_deg, detail_json, at) VALUES (?,?,?,?,?,?,?)`)
      .run(c.beforeRunId, c.afterRunId, c.method, c.gainFactor, c.phaseErrorDeg, c.detailJson, c.at);
    return Number(info.lastInsertRowid);
  }

  setCalibrationAfterRun(id: number, afterRunId: number): void {
    this.db.prepare(`UPDATE calibration SET after_run_id = ? WHERE id = ?`).run(afterRunId, id);
  }

  calibrations(): CalibrationRow[] {
    return this.db.prepare(`SELECT * FROM calibration ORDER BY id`).all().map((r) => rowOf<CalibrationRow>(r));
  }

  close(): void {
    this.db.close();
  }
}
