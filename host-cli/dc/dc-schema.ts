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
];
