// Elering: the document identification is stored before it is posted, so a restart asks the Datahub for the status
// of that document instead of losing it; an unreachable Datahub is an outcome (exit 3), never a crash (exit 4).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../../drivers/clock.js';
import { KeyRing } from '../../../host-cli/collector/key-ring.js';
import { SqliteStore } from '../../../host-cli/collector/sqlite-store.js';
import { verifyMessage } from '../../../host-cli/collector/verify-message.js';
import { openSqliteDcDb } from '../../../host-cli/dc/dc-db.js';
import { DEFAULT_RETRY } from '../../../host-cli/dc/delivery/http-retry.js';
import { SubmissionLedger } from '../../../host-cli/dc/delivery/submission-ledger.js';
import { buildEleringMessages } from '../../../host-cli/exports/elering.js';
import { submitEleringMessages } from '../../../host-cli/exports/elering-submit.js';
import { dayRecords } from '../exports/dataset.js';
import { deadUrl, marketServer } from './market-server.js';

const EIC = '38ZEE-00000001-Q';
const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..', '..');
let n = 0;
const newId = (): string => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
const fastClock = (): Clock => {
  let t = Date.parse('2026-06-02T08:00:00Z');
  return { now: () => t, sleep: async (ms) => void (t += ms) };
};

test('a document left PROCESSING is asked about after a restart, not posted again', async () => {
  let final = false;
  const statusOf = new Map<string, number>();
  const srv = await marketServer((s, res) => {
    if (s.url === '/api/v1/meter-data') {
      statusOf.set(s.docId!, 0);
      return void res.writeHead(202).end('{"received":true}');
    }
    const id = (JSON.parse(s.body) as { originalDocumentIdentification: string }).originalDocumentIdentification;
    if (!statusOf.has(id)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ originalDocumentIdentification: id, status: final ? 'SUCCESSFUL' : 'PROCESSING' }));
  });
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-elering-'));
  try {
    const msgs = buildEleringMessages(dayRecords('gw1', ['2026-06-01']).records.slice(0, 8), { resolution: 'PT1H', meterMap: { gw1: EIC }, newId, now: () => 0 });
    const path = join(dir, 'dc.sqlite');
    const opts = { url: `${srv.url}/api/v1`, token: 'tok', clock: fastClock(), newId, pollMs: 10_000, finalWithinMs: 60_000, maxAttempts: 1 };
    const db1 = await openSqliteDcDb(path);
    const first = await submitEleringMessages(msgs, { ...opts, ledger: new SubmissionLedger(db1, opts.clock, newId) });
    assert.is(first[0]!.final, 'NO_FINAL_STATUS');
    await db1.close();
    final = true;
    const ledger2 = new SubmissionLedger(await openSqliteDcDb(path), opts.clock, newId);
    const [stored] = await ledger2.list({ target: 'elering' });
    assert.is(stored!.state, 'pending');
    assert.is(stored!.documentId, msgs[0]!.documentIdentification);
    const second = await submitEleringMessages(msgs, { ...opts, ledger: ledger2 });
    assert.is(second[0]!.final, 'SUCCESSFUL');
    assert.is(srv.seen.filter((s) => s.url === '/api/v1/meter-data').length, 1, 'the document was posted again');
    const outcomes = (await ledger2.attempts(stored!.submissionId)).map((a) => a.outcome);
    assert.equal(outcomes, ['posting', 'received', 'status:PROCESSING', 'status:SUCCESSFUL']);
    assert.is((await ledger2.get(stored!.submissionId))!.state, 'accepted');
    const third = await submitEleringMessages(msgs, { ...opts, ledger: ledger2 });
    assert.is(third[0]!.final, 'ALREADY_ACCEPTED');
  } finally {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unreachable Datahub is UNREACHABLE with the error, not an exception', async () => {
  const msgs = buildEleringMessages(dayRecords('gw1', ['2026-06-01']).records.slice(0, 8), { resolution: 'PT1H', meterMap: { gw1: EIC }, newId, now: () => 0 });
  const out = await submitEleringMessages(msgs, { url: await deadUrl(), token: 'tok', clock: fastClock(), newId, retry: { ...DEFAULT_RETRY, maxTries: 2 } });
  assert.is(out[0]!.final, 'UNREACHABLE');
  assert.match(out[0]!.attempts[1]!.detail!, /ECONNREFUSED/);
});

function amsgate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'host-cli', 'main.ts'), ...args], { cwd: root }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('CLI: export --submit to an unreachable service exits 3 with the outcome; deliver list shows it pending', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-deliver-cli-'));
  try {
    const path = join(dir, 'c.sqlite');
    const store = new SqliteStore(path);
    await store.init();
    const { compacts, sim } = dayRecords('gw1', ['2026-06-01']);
    await store.addKey({ device: 'gw1', kid: sim.identity.kid, alg: 'EdDSA', jwk: sim.identity.publicJwk, validFrom: 0, validTo: null, source: 'test', addedAt: 0 });
    const ring = KeyRing.from(await store.listKeys());
    await store.ingest(compacts.map((c) => verifyMessage(c.topic, c.compact, ring, 1)).flatMap((v) => (v.ok ? [v.record] : [])), []);
    await store.close();
    writeFileSync(join(dir, 'token'), 'tok\n');
    writeFileSync(join(dir, 'eic.json'), JSON.stringify({ gw1: EIC }));
    writeFileSync(join(dir, 'assets.json'), JSON.stringify({ gw1: { assetId: '0b9f6c1e-3a57-4a43-9d6e-2f1c1b7c9a10', role: 'charger' } }));
    const dead = await deadUrl();
    const common = ['--db', path, '--token-file', join(dir, 'token'), '--retries', '1', '--retry-base-ms', '10'];
    const el = await amsgate(['export', 'elering', '--meter-map', join(dir, 'eic.json'), '--resolution', 'PT1H', '--submit', dead, ...common]);
    assert.is(el.code, 3, el.stderr);
    assert.match(el.stdout, /38ZEE-00000001-Q: UNREACHABLE/);
    const ax = await amsgate(['export', 'axle', '--asset-map', join(dir, 'assets.json'), '--skip-unlabelled', '--submit', dead, ...common]);
    assert.is(ax.code, 3, ax.stderr);
    assert.match(ax.stdout, /unreachable \(state pending, 2 tries; not delivered after 2 tries: network error ECONNREFUSED\)/);
    const list = await amsgate(['deliver', 'list', '--db', path, '--json']);
    assert.is(list.code, 0, list.stderr);
    assert.equal((JSON.parse(list.stdout) as { target: string; state: string }[]).map((s) => [s.target, s.state]), [['elering', 'pending'], ['axle', 'pending']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
