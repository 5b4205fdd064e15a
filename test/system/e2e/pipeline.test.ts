// End-to-end: simulated meters -> `amsgate run` (child process, scaled clock) -> the real Mosquitto ->
// `amsgate collect` (child process, SQLite store, key registered with `amsgate devices add`) -> every
// `amsgate export`, compared byte for byte with fixtures/e2e/*. It covers the long settlement day 2026-10-25
// (50 periods, clocks go back at 01:00 UTC) and a gap: the collector is down for hours of simulated time, comes back
// under a new MQTT session (so the broker does not replay what it missed), and the missing periods are filled by
// `amsgate collect --gaps --request-resend` asking the gateway to resend on its command topic.
// docs/e2e.md explains what is proven, why the figures are deterministic, and how to regenerate the goldens.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogEntry, type RunningSimulator } from '../../../drivers/catalog.js';
import { scaledClock, type Clock } from '../../../drivers/clock.js';
import { openStore } from '../../../host-cli/collector/open-store.js';
import type { IntervalRecord } from '../../../device/records/record-types.js';
import type { GatewayReply } from '../../../device/mqtt/command-types.js';
import { topics } from '../../../device/mqtt/topics.js';
import mqtt from 'mqtt';
import {
  ROOT, brokerUrl, compareGolden, dropSession, requireMosquitto, startPrivateMosquitto, runCli, runCliOk, seededRandom, setLogDir, sleep, spawnCli, tempDir, waitFor, type CliProcess,
} from './harness.js';

const FIXTURES = join(ROOT, 'fixtures', 'e2e');
const DEVICE = 'e2e-gw-01';
/** Simulated milliseconds per real millisecond. E2E_SPEED overrides (lower it on a slow machine). */
const SPEED = Number(process.env.E2E_SPEED ?? 1200);
/** Simulated time at the real instant the gateway is spawned: five hours before the settlement day. */
const SIM_ORIGIN = Date.parse('2026-10-24T18:00:00Z');
/**
 * Energy anchor: the simulated registers stand still before this instant and grow at a constant power after it, one
 * register count every 30 minutes (floor registers: the first count at anchor + 30 min), i.e. at xx:14:10 and
 * xx:44:10. Polls are every 15 minutes on :00, :15, :30, :45, so the readings on either side of every period boundary
 * see the same count, and every reading sees a count that changed at least 50 s of simulated time before it and
 * changes no sooner than 850 s (708 ms real at 1200x) after it. So readings, boundary values and energies are the
 * same whatever the scheduling jitter of a real-time run. C, the compensated energy, starts at 0 at the first
 * reading, so the gateway must read before the first count (22:14:10): it has 4 h 14 min simulated = 12.7 s real
 * at 1200x to start (docs/e2e.md, "Determinism").
 */
const ENERGY_ANCHOR = Date.parse('2026-10-24T21:44:10Z');
const FIRST_COUNT = ENERGY_ANCHOR + 1_800_000;
const POLL_MS = 900_000;
const DAY = '2026-10-25';
const DAY_START = '2026-10-24T23:00:00Z';
const DAY_END = '2026-10-26T00:00:00Z';
/** Collector A stops here (simulated); collector B starts (new session) here. */
const GAP_FROM = Date.parse('2026-10-25T04:10:00Z');
const GAP_TO = Date.parse('2026-10-25T07:10:00Z');

const METERS = [
  // ABB B23, 0.01 kWh register: 20 W -> one count (10 Wh) per 30 min; CT 200/5 with a -0.2 % ratio error.
  { id: 'charger', model: 'b23', ratingW: 20, initialImportWh: 4_567_890, initialExportWh: 0, seed: 1 },
  // Carlo Gavazzi EM340, 0.1 kWh register: 200 W -> one count (100 Wh) per 30 min; 2 % losses to the metering point.
  { id: 'battery', model: 'em340', ratingW: 200, initialImportWh: 1_234_500, initialExportWh: 345_600, seed: 2 },
] as const;

interface Run {
  dir: string;
  db: string;
  outputs: Record<'axle' | 'elering' | 'volue' | 'dtc', string>;
  intervals: IntervalRecord[];
  gapsBefore: { periods: { meter: string; channel: string; missing: number }[]; resendRequests: number };
  gapsAfter: { periods: unknown[]; chain: { gaps: unknown[]; breaks: unknown[] } };
  replies: GatewayReply[];
}

const state: {
  tmp?: ReturnType<typeof tempDir>;
  sims: RunningSimulator[];
  procs: CliProcess[];
  sessions: string[];
  stopBroker?: () => Promise<void>;
  closers: (() => Promise<unknown>)[];
  run?: Run;
  failure?: unknown;
} = { sims: [], procs: [], sessions: [], closers: [] };

/** The shared simulated timeline: what `--time-origin REAL:SIM --speed N` gives the gateway. */
function simClock(originReal: number): Clock {
  const c = scaledClock(SPEED, SIM_ORIGIN + (Date.now() - originReal) * SPEED);
  return c;
}

/** The simulators' clock: the shared timeline, held at ENERGY_ANCHOR until the timeline passes it. */
function anchoredClock(base: Clock): Clock {
  return { now: () => Math.max(ENERGY_ANCHOR, base.now()), sleep: (ms) => base.sleep(ms) };
}

function gatewayConfig(dir: string, ports: Record<string, string>, clientId: string): string {
  const whole = { ctRatio: '1', vtRatio: '1', lossMultiplier: '1', pulseMultiplier: '1', calibrationFactor: '1' };
  const cfg = {
    deviceId: DEVICE,
    timeZone: 'Europe/London',
    meters: [
      {
        id: 'charger', model: 'b23', connection: { tcp: ports.charger }, unit: 1, serial: 'B23-E2E-0001',
        amsid: { import: '2000000000015' }, role: 'charger', supply: 'ac', phases: 3,
        ratedVoltageV: 230, ratedCurrentA: 5, maxCurrentA: 6,
        compensation: { ...whole, ctRatio: '40', ctRatioErrorPct: -0.2 },
      },
      {
        id: 'battery', model: 'em340', connection: { tcp: ports.battery }, unit: 1, serial: 'EM340-E2E-0002',
        amsid: { import: '2000000000024', export: '2000000000033' }, role: 'battery', supply: 'ac', phases: 3,
        ratedVoltageV: 230, ratedCurrentA: 5, maxCurrentA: 65,
        compensation: { ...whole, lossMultiplier: '1.02' },
      },
    ],
    pollIntervalMs: POLL_MS,
    persistIntervalMs: POLL_MS,
    resolutions: ['PT30M'],
    closeAfterMs: 60_000,
    // Polls are 15 minutes apart plus scheduling jitter; this limit keeps "gap" out of a healthy run.
    maxGapMs: 1_700_000,
    broker: { url: brokerUrl(), clientId, keepaliveS: 30 },
    storePath: join(dir, 'gateway'),
    keys: { dir: join(dir, 'keys'), algorithm: 'ES256' },
  };
  const path = join(dir, 'gateway.json');
  writeFileSync(path, `${JSON.stringify(cfg, null, 2)}\n`);
  return path;
}

function collector(name: string, db: string, clientId: string): CliProcess {
  state.sessions.push(clientId);
  const p = spawnCli(name, ['collect', '--broker', brokerUrl(), '--db', db, '--no-shared', '--client-id', clientId, '--json-log']);
  state.procs.push(p);
  return p;
}

async function gapReport(db: string, extra: string[] = [], expectCode?: number): Promise<{ code: number | null; json: Record<string, unknown> }> {
  const r = await runCli(['collect', '--db', db, '--gaps', '--json', '--device', DEVICE, '--from', DAY_START, '--to', DAY_END, ...extra]);
  if (expectCode !== undefined && r.code !== expectCode) throw new Error(`collect --gaps exited ${r.code}, expected ${expectCode}\n${r.stdout}\n${r.stderr}`);
  return { code: r.code, json: JSON.parse(r.stdout) as Record<string, unknown> };
}

async function pipeline(): Promise<Run> {
  const tmp = tempDir('amsgate-e2e-');
  state.tmp = tmp;
  const dir = tmp.dir;
  // E2E_PRIVATE_BROKER=1: a Mosquitto of our own on a free port, when other tests flood the shared one.
  if (process.env.E2E_PRIVATE_BROKER === '1') state.stopBroker = await startPrivateMosquitto(dir);
  await requireMosquitto();
  setLogDir(dir);
  const runId = randomUUID().slice(0, 8);

  // 1. Collector store with the device's public key registered.
  const db = join(dir, 'collector.sqlite');
  const added = await runCliOk(['devices', 'add', '--db', db, '--device', DEVICE, '--key', join(FIXTURES, 'device-key.pub.pem'), '--json']);
  const kid = (JSON.parse(added.stdout) as { kid: string }).kid;
  assert.is(kid, 'WcTw4QJEaKxvp7PGvZ8hHvTYd7Y-hAm2iT9JcCoo1kk', 'fixture key registered under its RFC 7638 thumbprint');

  // 2. Collector A, then the shared timeline starts, the simulators, and the gateway.
  const colA = collector('collector-A', db, `e2e-col-a-${runId}`);
  await colA.waitForOutput(/"event":"started"/, 30_000, 'collector A start');
  const originReal = Date.now();
  const clock = simClock(originReal);
  const simNow = (): number => clock.now();

  // Simulators in this process, on the shared timeline (Modbus TCP on free ports).
  const ports: Record<string, string> = {};
  for (const m of METERS) {
    const sim = await catalogEntry(m.model).startSimulator({
      listen: { tcp: '127.0.0.1:0' }, unit: 1, clock: anchoredClock(clock), profile: 'constant', ratingW: m.ratingW,
      initialImportWh: m.initialImportWh, initialExportWh: m.initialExportWh, random: seededRandom(m.seed),
    });
    state.sims.push(sim);
    ports[m.id] = sim.address;
  }

  // The device key (fixed, so that kid and signatures' key are the same every run) and the gateway config.
  mkdirSync(join(dir, 'keys'), { recursive: true, mode: 0o700 });
  copyFileSync(join(FIXTURES, 'device-key.pem'), join(dir, 'keys', 'device-key.pem'));
  chmodSync(join(dir, 'keys', 'device-key.pem'), 0o600);
  const gwClient = `e2e-gw-${runId}`;
  state.sessions.push(gwClient);
  const config = gatewayConfig(dir, ports, gwClient);

  const gw = spawnCli('gateway', ['run', '--config', config, '--speed', String(SPEED), '--time-origin', `${originReal}:${SIM_ORIGIN}`, '--quiet']);
  state.procs.push(gw);
  await gw.waitForOutput(/mqtt\s+connected/, 30_000, 'gateway connected to Mosquitto');
  const startedAt = simNow();
  assert.ok(
    startedAt < FIRST_COUNT - POLL_MS,
    `the gateway must take its first reading before the simulated registers first move (${new Date(FIRST_COUNT).toISOString()}); ` +
      `it connected at simulated ${new Date(startedAt).toISOString()}: the machine is too slow for E2E_SPEED=${SPEED}, lower it`,
  );
  await gw.waitForOutput(/interval charger\/import 2026-10-24 /, 60_000, 'first closed interval');

  // 3. The gap: collector A goes away; while it is away the broker queues for A's session, which never returns.
  await waitFor('simulated time to reach the gap', () => simNow() >= GAP_FROM, 120_000, 50);
  const a = await colA.stop();
  assert.is(a.code, 0, `collector A stops cleanly\n${colA.tail()}`);
  await waitFor('simulated time to reach the end of the gap', () => simNow() >= GAP_TO, 120_000, 50);
  const colB = collector('collector-B', db, `e2e-col-b-${runId}`);
  await colB.waitForOutput(/"event":"started"/, 30_000, 'collector B start');

  // 4. Run through the whole long day: SP50 of 2026-10-25 closes with the first reading at or after 00:00 UTC.
  for (const ch of ['charger/import', 'battery/import', 'battery/export']) {
    await gw.waitForOutput(new RegExp(`interval ${ch} 2026-10-25 SP50 `), 150_000, `${ch} SP50 of ${DAY}`);
  }
  // Let the collector store what the gateway has published (it acknowledges after commit).
  await sleep(1500);

  // 5. The gap finder sees the missing periods and asks the gateway to resend them on its command topic; the
  // gateway's replies (how many records it queued again) are watched on its reply topic.
  const replies: GatewayReply[] = [];
  const watcher = await mqtt.connectAsync(brokerUrl(), { clientId: `e2e-replies-${runId}`, clean: true, protocolVersion: 5, reconnectPeriod: 0 });
  state.closers.push(() => watcher.endAsync());
  watcher.on('message', (_t, payload) => replies.push(JSON.parse(payload.toString()) as GatewayReply));
  await watcher.subscribeAsync(topics.reply(DEVICE), { qos: 1 });
  const before = await gapReport(db, ['--request-resend', '--broker', brokerUrl()], 1);
  const gapsBefore = before.json as unknown as Run['gapsBefore'];
  const after = await waitFor('resent periods to fill the gap', async () => {
    const r = await gapReport(db);
    return r.code === 0 ? r : null;
  }, 90_000, 1000);
  const gapsAfter = after.json as unknown as Run['gapsAfter'];
  await waitFor('the gateway\'s replies to the resend commands', () => replies.length >= gapsBefore.resendRequests, 10_000);

  // 6. Stop everything cleanly.
  const g = await gw.stop(15_000);
  assert.is(g.code, 0, `gateway stops cleanly\n${gw.tail()}`);
  assert.match(g.stdout, /stopped cleanly/);
  const b = await colB.stop();
  assert.is(b.code, 0, `collector B stops cleanly\n${colB.tail()}`);

  // 7. Exports of the settlement day.
  const map = (name: string, value: unknown): string => {
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify(value));
    return p;
  };
  const assetMap = map('assets.json', { [`${DEVICE}/charger`]: '7f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b', [`${DEVICE}/battery`]: '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d' });
  const meterMap = map('eic.json', { [`${DEVICE}/charger`]: '38ZEE-E2E-CHG01X', [`${DEVICE}/battery`]: '38ZEE-E2E-BAT01X' });
  const resources = map('resources.json', {
    [`${DEVICE}/charger`]: { resourceId: 'res-charger-e2e', locationId: 'loc-e2e-home', meterPointId: '2000000000015' },
    [`${DEVICE}/battery`]: { resourceId: 'res-battery-e2e', locationId: 'loc-e2e-home', meterPointId: '2000000000024' },
  });
  // The repeated local hour 01:00-02:00: 00:00Z (BST) and 01:00Z (GMT), and the hour after.
  const event = map('event.json', { eventId: 'e2e-clock-change', hours: ['2026-10-25T00:00:00Z', '2026-10-25T01:00:00Z', '2026-10-25T02:00:00Z'] });
  const out = (f: string): string => join(dir, f);
  const range = ['--device', DEVICE, '--from', DAY_START, '--to', DAY_END];
  // The labels follow each meter's role in the gateway configuration: charger consumption, battery inverter power.
  await runCliOk(['export', 'axle', '--db', db, ...range, '--asset-map', assetMap, '--gateway-config', config, '--lifetime', '--out', out('axle.json')]);
  await runCliOk(['export', 'elering', '--db', db, ...range, '--meter-map', meterMap, '--resolution', 'PT1H', '--out', out('elering.json')]);
  await runCliOk(['export', 'volue', '--db', db, '--device', DEVICE, '--event', event, '--resource-map', resources, '--out', out('volue.json')]);
  await runCliOk(['export', 'dtc', '--db', db, '--device', DEVICE, '--from', DAY, '--to', '2026-10-26', '--from-mpid', 'AMSG', '--to-mpid', 'ELEX', '--file-id', 'E2E1', '--out', out('dtc.txt')]);
  const outputs = {
    axle: readFileSync(out('axle.json'), 'utf8'),
    elering: readFileSync(out('elering.json'), 'utf8'),
    volue: readFileSync(out('volue.json'), 'utf8'),
    dtc: readFileSync(out('dtc.txt'), 'utf8'),
  };

  const store = await openStore(db);
  let intervals: IntervalRecord[];
  try {
    intervals = (await store.intervals({ device: DEVICE, fromMs: Date.parse(DAY_START), toMs: Date.parse(DAY_END) })).map((r) => r.payload);
  } finally {
    await store.close();
  }
  return { dir, db, outputs, intervals, gapsBefore, gapsAfter, replies };
}

async function theRun(): Promise<Run> {
  if (state.run) return state.run;
  if (state.failure) throw new Error(`the pipeline run failed: ${(state.failure as Error).message}`);
  throw new Error('the pipeline did not run');
}

// ---- normalisation: only fields that are legitimately different on every run (docs/e2e.md) ----

/** Elering: document id (fresh UUID per message), document time (export time), rTime (the records' creation time,
 * which is the simulated time of the reading that closed the period: the poll instant plus scheduling jitter). */
function normaliseElering(text: string): string {
  return text
    .replace(/"documentIdentification": "[0-9a-f-]{36}"/g, '"documentIdentification": "<uuid>"')
    .replace(/"documentDateTime": "[0-9T:.Z-]{24}"/g, '"documentDateTime": "<export-time>"')
    .replace(/"rTime": "[0-9T:.Z-]{24}"/g, '"rTime": "<record-created>"');
}

/** DTC: the creation timestamp in the ZHV header and the ZPT trailer. */
function normaliseDtc(text: string): string {
  return text
    .replace(/^(ZHV\|(?:[^|]*\|){6})\d{14}\|/m, '$1<created>|')
    .replace(/^(ZPT\|(?:[^|]*\|){4})\d{14}\|$/m, '$1<created>|');
}

test.after(async () => {
  for (const c of state.closers) await c().catch(() => undefined);
  for (const p of state.procs) await p.stop(5000).catch(() => undefined);
  for (const s of state.sims) await s.close().catch(() => undefined);
  for (const id of state.sessions) await dropSession(id).catch(() => undefined);
  await state.stopBroker?.();
  state.tmp?.cleanup();
});

test('pipeline: simulators -> amsgate run -> Mosquitto -> amsgate collect (with a resend-filled gap) -> exports', async () => {
  try {
    state.run = await pipeline();
  } catch (e) {
    state.failure = e;
    const tails = state.procs.map((p) => p.tail(2000)).join('\n');
    throw new Error(`${(e as Error).message}\n${tails}`);
  }
});

test('the gap was real and the resend filled it', async () => {
  const r = await theRun();
  const missing = r.gapsBefore.periods.reduce((n, p) => n + p.missing, 0);
  assert.ok(missing >= 3 * 6, `the collector missed at least 3 hours on each of 3 channels while it was down (missing ${missing}: ${JSON.stringify(r.gapsBefore.periods)})`);
  assert.equal(new Set(r.gapsBefore.periods.map((p) => `${p.meter}/${p.channel}`)), new Set(['charger/import', 'battery/import', 'battery/export']));
  assert.ok(r.gapsBefore.resendRequests >= 2, `one resend request per meter and gap run (got ${r.gapsBefore.resendRequests})`);
  // The gateway answered every command on its reply topic and queued at least every missing record again.
  assert.is(r.replies.length, r.gapsBefore.resendRequests, `one reply per resend command: ${JSON.stringify(r.replies)}`);
  assert.ok(r.replies.every((x) => x.type === 'resend'), `replies are resend acknowledgements: ${JSON.stringify(r.replies)}`);
  const requeued = r.replies.reduce((n, x) => n + (x.type === 'resend' ? x.records : 0), 0);
  assert.ok(requeued >= missing, `the gateway re-queued ${requeued} records for ${missing} missing periods`);
  assert.equal(r.gapsAfter.periods, [], 'no missing periods after the resend');
  assert.equal(r.gapsAfter.chain.breaks, [], 'no broken hash-chain links');
  assert.equal(r.gapsAfter.chain.gaps, [], 'no sequence gaps: every record the gateway signed reached the store');
});

test('the long day: 50 settlement periods per channel, all actual, fully covered, first issue', async () => {
  const r = await theRun();
  for (const ch of ['charger/import', 'battery/import', 'battery/export']) {
    const rows = r.intervals.filter((i) => `${i.meter.id}/${i.channel}` === ch).sort((a, b) => Date.parse(a.period.start) - Date.parse(b.period.start));
    assert.is(rows.length, 50, `${ch}: 50 intervals on ${DAY}`);
    assert.equal(rows.map((i) => i.period.settlementPeriod), Array.from({ length: 50 }, (_, k) => k + 1), `${ch}: SP1..SP50`);
    assert.ok(rows.every((i) => i.period.settlementDate === DAY));
    // SP3 and SP5 bracket the repeated hour: SP3 = 00:00Z = 01:00 BST, SP5 = 01:00Z = 01:00 GMT.
    assert.is(rows[2]!.period.start, '2026-10-25T00:00:00Z');
    assert.is(rows[4]!.period.start, '2026-10-25T01:00:00Z');
    for (const i of rows) {
      assert.is(i.revision, 0, `${i.id}: no revision`);
      assert.is(i.quality, 'actual', `${i.id}: actual`);
      assert.is(i.coveragePermille, 1000, `${i.id}: fully covered`);
      assert.equal(i.flags, [], `${i.id}: no flags`);
    }
    for (let k = 1; k < rows.length; k++) assert.is(rows[k]!.register.start, rows[k - 1]!.register.end, `${ch}: registers continuous at SP${k + 1}`);
  }
  // Exact energies: 1 register count per period. Charger: 10 Wh x CT 40 / 0.998 (ratio error) = 400.8016032 Wh,
  // so the telescoped floors give 400 or 401; battery import 100 Wh x 1.02 = 102 Wh; battery export 0.
  const sum = (ch: string): number => r.intervals.filter((i) => `${i.meter.id}/${i.channel}` === ch).reduce((n, i) => n + i.energyWh, 0);
  const perCount = (10 * 40 * 1_002_004_008) / 1e9;
  assert.ok(Math.abs(sum('charger/import') - 50 * perCount) <= 1, `charger: 50 counts of ${perCount} Wh (got ${sum('charger/import')})`);
  assert.is(sum('battery/import'), 50 * 102);
  assert.is(sum('battery/export'), 0);

  // An independent oracle for every interval: N(b) register counts have happened by boundary b (one every 30 min
  // from the anchor), C(b) = N(b) x Wh-per-count x factor exactly, energy = floor(C(end)) - floor(C(start)).
  const counts = (iso: string): bigint => BigInt(Math.floor((Date.parse(iso) - ENERGY_ANCHOR) / 1_800_000));
  const oracle: Record<string, { base: bigint; num: bigint; den: bigint }> = {
    // 10 Wh x 40 x 1.002004008 (1/0.998 quantised to 10^-9) = 4008016032 / 10^7 Wh per count
    'charger/import': { base: 456_789n, num: 4_008_016_032n, den: 10_000_000n },
    // 100 Wh x 1.02 = 102 Wh per count
    'battery/import': { base: 12_345n, num: 102n, den: 1n },
    'battery/export': { base: 3_456n, num: 0n, den: 1n },
  };
  for (const i of r.intervals) {
    const o = oracle[`${i.meter.id}/${i.channel}`]!;
    const n0 = counts(i.period.start);
    const n1 = counts(i.period.end);
    const want = (n1 * o.num) / o.den - (n0 * o.num) / o.den;
    assert.is(BigInt(i.energyWh), want, `${i.id}: energy`);
    const regGrows = o.num > 0n ? 1n : 0n;
    assert.is(i.register.start, String(o.base + n0 * regGrows), `${i.id}: register at start`);
    assert.is(i.register.end, String(o.base + n1 * regGrows), `${i.id}: register at end`);
  }
});

test('export axle matches fixtures/e2e/axle-2026-10-25.json', async () => {
  const r = await theRun();
  const diff = compareGolden(join(FIXTURES, 'axle-2026-10-25.json'), r.outputs.axle);
  assert.is(diff, null, diff ?? '');
  const body = JSON.parse(r.outputs.axle) as { readings: { label: string }[] };
  assert.is(body.readings.filter((x) => x.label === 'charger_consumption_energy_kwh').length, 50, '50 half hours of the charger');
  assert.is(body.readings.filter((x) => x.label === 'charger_lifetime_consumption_energy_kwh').length, 50, 'its lifetime register at each end');
  assert.is(body.readings.filter((x) => x.label === 'battery_inverter_import_kw').length, 50, '50 half hours of the battery, net import - export');
  assert.is(body.readings.length, 150);
});

test('export elering matches fixtures/e2e/elering-2026-10-25.json (document id, document time, rTime normalised)', async () => {
  const r = await theRun();
  const msgs = JSON.parse(r.outputs.elering) as { body: { periods: { aI: { pS: string; outQty?: { rTime: string } }[] }[] } }[];
  for (const m of msgs) {
    const ai = m.body.periods[0]!.aI;
    assert.is(ai.length, 25, '25 hours on the long day');
    for (const x of ai) {
      // rTime is normalised below; it must still be the creation time of the hour's last record: after the hour.
      const end = Date.parse(x.pS) + 3_600_000;
      const t = Date.parse(x.outQty!.rTime);
      assert.ok(t >= end && t < end + POLL_MS, `rTime ${x.outQty!.rTime} is the poll that closed ${x.pS}+1h`);
    }
  }
  const diff = compareGolden(join(FIXTURES, 'elering-2026-10-25.json'), normaliseElering(r.outputs.elering));
  assert.is(diff, null, diff ?? '');
});

test('export volue matches fixtures/e2e/volue-2026-10-25.json', async () => {
  const r = await theRun();
  const diff = compareGolden(join(FIXTURES, 'volue-2026-10-25.json'), r.outputs.volue);
  assert.is(diff, null, diff ?? '');
});

test('export dtc matches fixtures/e2e/dtc-2026-10-25.txt (creation timestamps normalised)', async () => {
  const r = await theRun();
  const lines = r.outputs.dtc.trimEnd().split('\n');
  assert.is(lines.filter((l) => /^[^|]+\|\d{1,2}\|[AE]\|/.test(l)).length, 150, '3 AMSID series x 50 periods');
  const diff = compareGolden(join(FIXTURES, 'dtc-2026-10-25.txt'), normaliseDtc(r.outputs.dtc));
  assert.is(diff, null, diff ?? '');
});

test.run();
