// Market delivery against local servers: retries with back-off on 5xx and network errors, idempotent resends,
// every state persisted so that a restart (a new ledger over the same file) carries on where the last one stopped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../../drivers/clock.js';
import { openSqliteDcDb } from '../../../host-cli/dc/dc-db.js';
import { deliverAxleReadings } from '../../../host-cli/dc/delivery/axle-client.js';
import { DEFAULT_RETRY, backoffMs, retryAfterMs } from '../../../host-cli/dc/delivery/http-retry.js';
import { SubmissionLedger } from '../../../host-cli/dc/delivery/submission-ledger.js';
import { deliverVolueReport } from '../../../host-cli/dc/delivery/volue-client.js';
import { buildAxleReadings } from '../../../host-cli/exports/axle.js';
import { buildVolueReport, parseVolueEvent } from '../../../host-cli/exports/volue.js';
import { dayRecords } from '../exports/dataset.js';
import { axleHandler, deadUrl, marketServer, volueHandler } from './market-server.js';

/** Time moves only by what is slept; every sleep is recorded (the back-off under test). */
function recordingClock(start = Date.parse('2026-06-02T08:00:00Z')): Clock & { slept: number[] } {
  let t = start;
  const slept: number[] = [];
  return { slept, now: () => t, sleep: async (ms) => { slept.push(ms); t += ms; } };
}

let n = 0;
const newId = (): string => `sub-${++n}`;
const ASSET = '0b9f6c1e-3a57-4a43-9d6e-2f1c1b7c9a10';
const { records } = dayRecords('gw1', ['2026-06-01']);
const axleBody = buildAxleReadings(records.slice(0, 8), { assetMap: { gw1: ASSET }, roles: { gw1: 'charger' }, skipUnlabelled: true });

function tempDb(): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-dc-'));
  return { path: join(dir, 'dc.sqlite'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('back-off doubles from the base up to its cap; Retry-After in seconds or as a date', () => {
  const p = { ...DEFAULT_RETRY, baseMs: 2000, maxMs: 10_000 };
  assert.equal([1, 2, 3, 4, 5].map((k) => backoffMs(k, p)), [2000, 4000, 8000, 10_000, 10_000]);
  assert.is(retryAfterMs('120', 0), 120_000);
  assert.is(retryAfterMs('Wed, 02 Dec 2026 10:00:30 GMT', Date.parse('2026-12-02T10:00:00Z')), 30_000);
  assert.is(retryAfterMs(null, 0), null);
});

test('axle: 500, then a dropped connection, then accepted; every try stored; the same readings are not sent again', async () => {
  const srv = await marketServer(axleHandler);
  const { path, cleanup } = tempDb();
  try {
    const clock = recordingClock();
    const ledger = new SubmissionLedger(await openSqliteDcDb(path), clock, newId);
    srv.script.push(500, 'drop');
    const r = await deliverAxleReadings(axleBody, { url: srv.url, token: 'tok', clock, ledger });
    assert.is(r.result, 'accepted');
    assert.is(r.tries, 3);
    assert.equal(clock.slept, [2000, 4000]);
    assert.equal((await ledger.attempts(r.submissionId)).map((a) => a.outcome), ['http-retryable', 'network-error', 'received']);
    const posted = JSON.parse(srv.seen[2]!.body) as { readings: { value: number; label: string }[] };
    assert.is(posted.readings.length, 4);
    assert.is(posted.readings[0]!.label, 'charger_consumption_energy_kwh');
    const again = await deliverAxleReadings(axleBody, { url: srv.url, token: 'tok', clock, ledger });
    assert.is(again.result, 'already-accepted');
    assert.is(srv.seen.length, 3, 'an accepted document was sent twice');
  } finally {
    await srv.close();
    cleanup();
  }
});

test('axle: a reading refused in a 200 answer fails the submission with the reason; a 401 is final, not retried', async () => {
  const srv = await marketServer(axleHandler);
  const { path, cleanup } = tempDb();
  try {
    const clock = recordingClock();
    const ledger = new SubmissionLedger(await openSqliteDcDb(path), clock, newId);
    const battery = buildAxleReadings(records.slice(0, 8), { assetMap: { gw1: ASSET }, roles: { gw1: 'solar' }, skipUnlabelled: true });
    battery.readings[0]!.label = 'charger_consumption_energy_kwh';
    (battery.readings[0]!.value as { wh: bigint }).wh = -5n;
    const bad = await deliverAxleReadings(battery, { url: srv.url, token: 'tok', clock, ledger });
    assert.is(bad.result, 'failed');
    assert.match(bad.reason!, /1 of 4 readings refused .*value must be >= 0/);
    const wrongToken = await deliverAxleReadings(axleBody, { url: srv.url, token: 'nope', clock, ledger });
    assert.is(wrongToken.result, 'failed');
    assert.is(wrongToken.tries, 1);
    assert.match(wrongToken.reason!, /HTTP 401/);
  } finally {
    await srv.close();
    cleanup();
  }
});

test('volue: unreachable -> pending (persisted); after a restart the report is delivered; a revised report is a new submission', async () => {
  const srv = await marketServer(volueHandler(new Set(['4d552526-25c1-42e6-8c4b-7c1f1dc666a4'])));
  const { path, cleanup } = tempDb();
  try {
    const event = parseVolueEvent(JSON.stringify({ eventId: '4d552526-25c1-42e6-8c4b-7c1f1dc666a4', hours: ['2026-06-01T16:00:00Z', '2026-06-01T17:00:00Z'] }));
    const report = buildVolueReport(records, event, { gw1: { resourceId: 'r1', locationId: 'l1' } });
    const clock = recordingClock();
    const db1 = await openSqliteDcDb(path);
    const closedPort = await deadUrl();
    const down = await deliverVolueReport(report, { url: closedPort, token: 'tok', clock, ledger: new SubmissionLedger(db1, clock, newId), policy: { ...DEFAULT_RETRY, maxTries: 3 } });
    assert.is(down.result, 'unreachable');
    assert.is(down.state, 'pending');
    assert.match(down.reason!, /network error ECONNREFUSED/);
    await db1.close();
    // A new process over the same store.
    const ledger2 = new SubmissionLedger(await openSqliteDcDb(path), clock, newId);
    assert.equal((await ledger2.list({ states: ['pending'] })).map((s) => s.submissionId), [down.submissionId]);
    const up = await deliverVolueReport(report, { url: srv.url, token: 'tok', clock, ledger: ledger2 });
    assert.is(up.result, 'accepted');
    assert.is(up.submissionId, down.submissionId);
    assert.equal((await ledger2.attempts(up.submissionId)).map((a) => a.outcome), ['network-error', 'network-error', 'network-error', 'received']);
    const sent = JSON.parse(srv.seen[0]!.body) as { eventId: string; payloads: { curvePoints: { timestamp: string }[] }[] };
    assert.equal(sent.payloads[0]!.curvePoints.map((c) => c.timestamp), ['2026-06-01T16:00:00.000Z', '2026-06-01T17:00:00.000Z']);
    // Revised data for the same event: a new document, sent.
    const revised = buildVolueReport(records.map((r) => (r.period.start === '2026-06-01T16:00:00.000Z' && r.channel === 'import' ? { ...r, energyWh: r.energyWh + 1 } : r)), event, { gw1: { resourceId: 'r1', locationId: 'l1' } });
    const r2 = await deliverVolueReport(revised, { url: srv.url, token: 'tok', clock, ledger: ledger2 });
    assert.is(r2.result, 'accepted');
    assert.is.not(r2.submissionId, up.submissionId);
    const unknown = await deliverVolueReport({ ...(report as object), eventId: 'no-such-event' }, { url: srv.url, token: 'tok', clock, ledger: ledger2 });
    assert.is(unknown.result, 'failed');
    assert.match(unknown.reason!, /HTTP 400.*unknown eventId/);
  } finally {
    await srv.close();
    cleanup();
  }
});

test.run();
