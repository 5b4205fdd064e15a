import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { scaledClock } from '../../../drivers/clock.js';
import { buildEleringMessages } from '../../../host-cli/exports/elering.js';
import { submitEleringMessages } from '../../../host-cli/exports/elering-submit.js';
import { stringifyWithKwh } from '../../../host-cli/exports/kwh.js';
import { assertGolden, dayRecords } from './dataset.js';

const EIC = '38ZEE-00000001-Q';
let n = 0;
const ids = (): string => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
const fixed = { newId: ids, now: () => Date.parse('2026-10-26T08:00:00Z') };

test('PT1H from half hours: IN = export channel, OUT = import channel, kWh to 3 dp, golden', () => {
  n = 0;
  const { records } = dayRecords('gw1', ['2026-10-25'], 'PT30M', { estimatedEvery: 7 });
  const early = records.filter((r) => Date.parse(r.period.start) < Date.parse('2026-10-25T02:00:00Z'));
  const msgs = buildEleringMessages(early, { resolution: 'PT1H', meterMap: { 'gw1/m1': EIC }, ...fixed });
  assert.is(msgs.length, 1);
  const ai = msgs[0]!.body.periods[0]!.aI;
  assert.is(ai.length, 3); // 23:00Z, 00:00Z, 01:00Z
  const imp = early.filter((r) => r.channel === 'import' && r.period.start.startsWith('2026-10-24T23'));
  assert.is(ai[0]!.outQty!.kwh.wh, BigInt(imp[0]!.energyWh + imp[1]!.energyWh));
  assertGolden('elering-2026-10-25-PT1H.json', `${stringifyWithKwh(msgs)}\n`);
});

test('PT15M from 15-minute data passes through; PT30M cannot be split into PT15M; negative and unmapped are refused', () => {
  n = 0;
  const q = dayRecords('gw1', ['2026-06-01'], 'PT15M').records;
  const msgs = buildEleringMessages(q, { resolution: 'PT15M', meterMap: { gw1: EIC }, ...fixed });
  assert.is(msgs[0]!.body.periods[0]!.aI.length, 96);
  assert.ok(msgs[0]!.body.periods[0]!.aI.every((a) => /:(00|15|30|45):00\.000Z$/.test(a.pS)));
  const half = dayRecords('gw1', ['2026-06-01']).records;
  assert.throws(() => buildEleringMessages(half, { resolution: 'PT15M', meterMap: { gw1: EIC }, ...fixed }), /cannot be split/);
  const neg = q.map((r, i) => (i === 1 ? { ...r, energyWh: -5, energyKwh: '-0.005' } : r));
  assert.throws(() => buildEleringMessages(neg, { resolution: 'PT15M', meterMap: { gw1: EIC }, ...fixed }), /non-negative/);
  assert.throws(() => buildEleringMessages(q, { resolution: 'PT15M', meterMap: {}, ...fixed }), /no metering point EIC/);
  const ids2 = new Set(buildEleringMessages(q, { resolution: 'PT1H', meterMap: { gw1: EIC }, newId: () => crypto.randomUUID(), now: Date.now }).map((m) => m.documentIdentification));
  assert.is(ids2.size, 1);
});

interface Seen { docId: string; auth: string; dateTime: string; body: string }

/** A Datahub stand-in: first POST gets 503 + Retry-After; the first accepted document of EIC A stays PROCESSING for ever. */
function datahub(): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const status = new Map<string, { eic: string; polls: number; stuck: boolean; final: string }>();
  let posts = 0;
  const stuckOnce = new Set<string>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.headers.authorization !== 'Bearer secret-token') {
        res.writeHead(401).end();
        return;
      }
      if (req.url === '/api/v1/meter-data') {
        posts++;
        if (posts === 1) {
          res.writeHead(503, { 'retry-after': '2' }).end();
          return;
        }
        const docId = String(req.headers['x-document-identification']);
        seen.push({ docId, auth: String(req.headers.authorization), dateTime: String(req.headers['x-document-date-time']), body });
        const eic = (JSON.parse(body) as { meterEic: string }).meterEic;
        const stuck = eic.endsWith('Q') && !stuckOnce.has(eic);
        if (stuck) stuckOnce.add(eic);
        status.set(docId, { eic, polls: 0, stuck, final: eic.endsWith('Q') ? 'SUCCESSFUL' : 'ERROR' });
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"received":true}');
        return;
      }
      if (req.url === '/api/v1/meter-data/status') {
        const id = (JSON.parse(body) as { originalDocumentIdentification: string }).originalDocumentIdentification;
        const s = status.get(id);
        if (!s) {
          res.writeHead(404).end();
          return;
        }
        s.polls++;
        const st = s.stuck || s.polls < 2 ? 'PROCESSING' : s.final;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ originalDocumentIdentification: id, status: st }));
        return;
      }
      res.writeHead(404).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({ url: `http://127.0.0.1:${port}/api/v1`, seen, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

test('submit: 503 + Retry-After is honoured, a message stuck in PROCESSING is resent with a new document id, ERROR is final', async () => {
  const hub = await datahub();
  try {
    const q = dayRecords('gw1', ['2026-06-01'], 'PT15M').records.slice(0, 16);
    const q2 = dayRecords('gw2', ['2026-06-01'], 'PT15M').records.slice(0, 8);
    const msgs = buildEleringMessages([...q, ...q2], { resolution: 'PT1H', meterMap: { gw1: EIC, gw2: '38ZEE-00000002-E' }, newId: () => crypto.randomUUID(), now: Date.now });
    const clock = scaledClock(1000); // 1 s of protocol time = 1 ms
    const out = await submitEleringMessages(msgs, { url: hub.url, token: 'secret-token', clock, newId: () => crypto.randomUUID(), pollMs: 10_000, finalWithinMs: 60_000, maxAttempts: 3 });
    const byEic = Object.fromEntries(out.map((o) => [o.meteringPoint, o]));
    assert.is(byEic[EIC]!.final, 'SUCCESSFUL');
    assert.is(byEic[EIC]!.attempts[0]!.httpStatus, 503);
    assert.is(byEic[EIC]!.attempts.filter((a) => a.httpStatus === 202).length, 2);
    assert.is(byEic[EIC]!.attempts[1]!.status, 'PROCESSING');
    assert.is(byEic['38ZEE-00000002-E']!.final, 'ERROR');
    const docIds = hub.seen.map((s) => s.docId);
    assert.is(new Set(docIds).size, docIds.length, 'a document id was reused');
    assert.ok(hub.seen.every((s) => /^[0-9a-f-]{36}$/.test(s.docId) && !Number.isNaN(Date.parse(s.dateTime))));
  } finally {
    await hub.close();
  }
});

test.run();
