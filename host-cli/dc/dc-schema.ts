// Data collector tables (docs/data-collector.md "Tables"), as numbered migrations: a migration is never edited once
// released, only followed by a new one. Column notation: host-cli/sql/create-table.ts (text NOT NULL unless said);
// test/host/dc/schema-compat.test.ts holds the tables to the released ones.
import { createIndex, createTable } from '../sql/create-table.js';

export interface DcMigration {
  version: number;
  what: string;
  sql: string[];
}

/** The half hour of one AMSID, and the series it belongs to. */
const AMSID_PERIOD = 'amsid, period_start bigint';
const SERIES = 'device, meter, channel';

export const DC_MIGRATIONS: DcMigration[] = [
  {
    version: 1,
    what: 'market submissions and their attempts',
    sql: [
      createTable('dc_submissions', 'submission_id pk, target, subject, body_hash, body, state, reason?, attempts int, document_id?, created_at bigint, updated_at bigint', ['UNIQUE (target, subject, body_hash)']),
      createIndex('dc_submissions_state', 'dc_submissions', 'state'),
      createTable('dc_submission_attempts', 'submission_id, attempt int, at bigint, document_id?, http_status int?, outcome, detail?', ['PRIMARY KEY (submission_id, attempt)']),
      createIndex('dc_attempts_document', 'dc_submission_attempts', 'document_id'),
    ],
  },
  {
    version: 2,
    what: 'validation outcomes and estimates',
    sql: [
      createTable('dc_validation', `${AMSID_PERIOD}, ${SERIES}, record_id?, revision int?, verdict, findings, validated_at bigint`, ['PRIMARY KEY (amsid, period_start)']),
      createIndex('dc_validation_verdict', 'dc_validation', 'verdict'),
      createTable('dc_estimates', `${AMSID_PERIOD}, revision int, ${SERIES}, energy_wh bigint, method, basis, state, replaced_by?, created_at bigint, updated_at bigint`, ['PRIMARY KEY (amsid, period_start, revision)']),
      createIndex('dc_estimates_state', 'dc_estimates', 'state'),
    ],
  },
  {
    version: 3,
    what: 'proving tests due and passed, meter technical details issued',
    sql: [
      createTable('dc_proving_tests', 'device, meter, due_since bigint, reason, state, passed_at bigint?, detail?', ['PRIMARY KEY (device, meter, due_since)']),
      createTable('dc_technical_details', 'device, meter, version int, key_fields, document, effective_from bigint, created_at bigint', ['PRIMARY KEY (device, meter, version)']),
    ],
  },
  {
    version: 4,
    what: 'what each volume allocation run submission sent, per AMSID and settlement date',
    sql: [
      createTable('dc_run_submissions', 'run, settlement_date, amsid, values_hash, period_values, estimated_periods int, file_id, submission_id?, sent_at bigint', ['PRIMARY KEY (run, settlement_date, amsid)']),
    ],
  },
];
