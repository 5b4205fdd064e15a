// The data collector tables on PostgreSQL: the same migrations and ledger behaviour as on SQLite.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { openDcDb } from '../../../host-cli/dc/dc-db.js';
import { DC_MIGRATIONS } from '../../../host-cli/dc/dc-schema.js';
import { SubmissionLedger } from '../../../host-cli/dc/delivery/submission-ledger.js';
import { PG_BASE, uniqueSchema } from '../collector/pg.js';

test('ledger on PostgreSQL: record is idempotent, attempts and states persist, migrations run once', async () => {
  const schema = uniqueSchema('dc');
  const url = `${PG_BASE}?schema=${schema}`;
  let t = 1000;
  const clock = { now: () => t++, sleep: async () => undefined };
  let n = 0;
  try {
    const db = await openDcDb(url);
    const ledger = new SubmissionLedger(db, clock, () => `s${++n}`);
    const a = await ledger.record('volue', 'ev1', '{"x":1}');
    const b = await ledger.record('volue', 'ev1', '{"x":1}');
    assert.ok(a.isNew);
    assert.not.ok(b.isNew);
    assert.is(b.sub.submissionId, a.sub.submissionId);
    await ledger.attempt(a.sub, { httpStatus: 503, outcome: 'http-retryable', detail: 'HTTP 503' });
    await ledger.attempt(a.sub, { documentId: 'doc-1', httpStatus: 200, outcome: 'received' });
    await ledger.setState(a.sub, 'accepted');
    await db.close();
    const db2 = await openDcDb(url); // second open: migrations already applied
    const l2 = new SubmissionLedger(db2, clock, () => `s${++n}`);
    const [s] = await l2.list({ states: ['accepted'] });
    assert.is(s!.documentId, 'doc-1');
    assert.is(s!.attempts, 2);
    assert.equal((await l2.attempts(s!.submissionId)).map((x) => [x.httpStatus, x.outcome]), [[503, 'http-retryable'], [200, 'received']]);
    const versions = await db2.all<{ version: number }>('SELECT version FROM dc_schema_version');
    assert.is(versions.length, DC_MIGRATIONS.length); // each applied once
    await db2.close();
  } finally {
    const c = new pg.Client({ connectionString: PG_BASE });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  }
});

test.run();
