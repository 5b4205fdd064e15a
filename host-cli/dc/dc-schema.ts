// Data collector tables (docs/data-collector.md "Tables"), as numbered migrations: a migration is never edited once
// released, only followed by a new one. Types are portable between SQLite and PostgreSQL.
export interface DcMigration {
  version: number;
  what: string;
  sql: string[];
}

export const DC_MIGRATIONS: DcMigration[] = [
  {
    version: 1,
    what: 'market submissions and their attempts',
    sql: [
      `CREATE TABLE IF NOT EXISTS dc_submissions (
        submission_id TEXT PRIMARY KEY,
        target TEXT NOT NULL,
        subject TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        body TEXT NOT NULL,
        state TEXT NOT NULL,
        reason TEXT,
        attempts INTEGER NOT NULL,
        document_id TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        UNIQUE (target, subject, body_hash)
      )`,
      `CREATE INDEX IF NOT EXISTS dc_submissions_state ON dc_submissions (state)`,
      `CREATE TABLE IF NOT EXISTS dc_submission_attempts (
        submission_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        at BIGINT NOT NULL,
        document_id TEXT,
        http_status INTEGER,
        outcome TEXT NOT NULL,
        detail TEXT,
        PRIMARY KEY (submission_id, attempt)
      )`,
      `CREATE INDEX IF NOT EXISTS dc_attempts_document ON dc_submission_attempts (document_id)`,
    ],
  },
  {
    version: 2,
    what: 'validation outcomes and estimates',
    sql: [
      `CREATE TABLE IF NOT EXISTS dc_validation (
        amsid TEXT NOT NULL,
        period_start BIGINT NOT NULL,
        device TEXT NOT NULL,
        meter TEXT NOT NULL,
        channel TEXT NOT NULL,
        record_id TEXT,
        revision INTEGER,
        verdict TEXT NOT NULL,
        findings TEXT NOT NULL,
        validated_at BIGINT NOT NULL,
        PRIMARY KEY (amsid, period_start)
      )`,
      `CREATE INDEX IF NOT EXISTS dc_validation_verdict ON dc_validation (verdict)`,
      `CREATE TABLE IF NOT EXISTS dc_estimates (
        amsid TEXT NOT NULL,
        period_start BIGINT NOT NULL,
        revision INTEGER NOT NULL,
        device TEXT NOT NULL,
        meter TEXT NOT NULL,
        channel TEXT NOT NULL,
        energy_wh BIGINT NOT NULL,
        method TEXT NOT NULL,
        basis TEXT NOT NULL,
        state TEXT NOT NULL,
        replaced_by TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (amsid, period_start, revision)
      )`,
      `CREATE INDEX IF NOT EXISTS dc_estimates_state ON dc_estimates (state)`,
    ],
  },
  {
    version: 3,
    what: 'proving tests due and passed, meter technical details issued',
    sql: [
      `CREATE TABLE IF NOT EXISTS dc_proving_tests (
        device TEXT NOT NULL,
        meter TEXT NOT NULL,
        due_since BIGINT NOT NULL,
        reason TEXT NOT NULL,
        state TEXT NOT NULL,
        passed_at BIGINT,
        detail TEXT,
        PRIMARY KEY (device, meter, due_since)
      )`,
      `CREATE TABLE IF NOT EXISTS dc_technical_details (
        device TEXT NOT NULL,
        meter TEXT NOT NULL,
        version INTEGER NOT NULL,
        key_fields TEXT NOT NULL,
        document TEXT NOT NULL,
        effective_from BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (device, meter, version)
      )`,
    ],
  },
  {
    version: 4,
    what: 'what each volume allocation run submission sent, per AMSID and settlement date',
    sql: [
      `CREATE TABLE IF NOT EXISTS dc_run_submissions (
        run TEXT NOT NULL,
        settlement_date TEXT NOT NULL,
        amsid TEXT NOT NULL,
        values_hash TEXT NOT NULL,
        period_values TEXT NOT NULL,
        estimated_periods INTEGER NOT NULL,
        file_id TEXT NOT NULL,
        submission_id TEXT,
        sent_at BIGINT NOT NULL,
        PRIMARY KEY (run, settlement_date, amsid)
      )`,
    ],
  },
];
