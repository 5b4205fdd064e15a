import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../drivers/clock.js';
import { demoConfig, type GatewayConfig } from '../../../device/config/gateway-config.js';
import { Gateway } from '../../../device/runtime/gateway.js';
import { GatewayStore } from '../../../device/store/gateway-store.js';
import { judgeClock } from '../../../device/runtime/clock-watch.js';
import { persistDecision } from '../../../device/runtime/persist-policy.js';
import { connectionOptions, redactUrl } from '../../../device/mqtt/connection-options.js';
import { FakeMeter } from './fake-meter.js';

const root = mkdtempSync(join(tmpdir(), 'amsgate-alarms-'));
const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);

function config(dir: string): GatewayConfig {
  const c = demoConfig(join(root, dir));
  c.meters = [{ ...c.meters[0]! }];
  return c;
}

async function run(clock: ManualClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 10_000) {
    await clock.advance(10_000);
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  }
}

function alarmLog(dir: string): string[] {
  const s = GatewayStore.open(join(dir, 'gateway.db'));
  const rows = s.recentAlarms(100).reverse().map((a) => `${a.kind}:${a.active ? 'active' : 'cleared'}`);
  s.close();
  return rows;
}

test('a key-field change at start raises key-field-change and proving-test-due', async () => {
  const cfg = config('kf');
  const clock = new ManualClock(T0);
  const meter = new FakeMeter(clock);
  let gw = new Gateway({ config: cfg, clock, openMeter: meter.opener(), brokerUrl: null });
  await gw.start();
  await run(clock, 60_000);
  await gw.stop();
  assert.equal(alarmLog(cfg.storePath), []);
  cfg.meters[0]!.serial = 'REPLACED-METER-2';
  gw = new Gateway({ config: cfg, clock, openMeter: meter.opener(), brokerUrl: null });
  await gw.start();
  await run(clock, 20_000);
  await gw.stop();
  const log = alarmLog(cfg.storePath);
  assert.ok(log.includes('key-field-change:cleared'), log.join(','));
  assert.ok(log.includes('proving-test-due:active'), log.join(','));
  const s = GatewayStore.open(join(cfg.storePath, 'gateway.db'));
  assert.match(s.recentAlarms(10).find((a) => a.kind === 'key-field-change')!.detail, /serial: SIM630-000001 -> REPLACED-METER-2/);
  s.close();
});

test('a stepped wall clock raises clock-stepped', async () => {
  const cfg = config('cs');
  const manual = new ManualClock(T0);
  // Wall clock = elapsed time + an offset that NTP may step; the monotonic clock only sees elapsed time.
  let offset = 0;
  const wall = { now: () => manual.now() + offset, sleep: (ms: number) => manual.sleep(ms) };
  const meter = new FakeMeter(wall);
  const gw = new Gateway({ config: cfg, clock: wall, monotonicMs: () => manual.now(), openMeter: meter.opener(), brokerUrl: null });
  await gw.start();
  await run(manual, 60_000);
  offset = 3_600_000; // NTP steps the clock an hour forward
  await run(manual, 30_000);
  await gw.stop();
  const log = alarmLog(cfg.storePath);
  assert.ok(log.includes('clock-stepped:cleared'), log.join(','));
  const s = GatewayStore.open(join(cfg.storePath, 'gateway.db'));
  assert.match(s.recentAlarms(10).find((a) => a.kind === 'clock-stepped')!.detail, /stepped \+3600000 ms/);
  s.close();
});

test('frame errors and reverse energy on an import-only meter raise and clear their alarms', async () => {
  const cfg = config('fe');
  const clock = new ManualClock(T0);
  const meter = new FakeMeter(clock);
  const gw = new Gateway({ config: cfg, clock, openMeter: meter.opener(), brokerUrl: null });
  await gw.start();
  await run(clock, 1_600_000);
  meter.frameErrors = 1;
  meter.powerW = -2000; // energy flowing out through a charger registered for import only
  await run(clock, 400_000); // across the 00:30 boundary
  meter.frameErrors = 0;
  meter.powerW = 1000;
  await run(clock, 700_000);
  await gw.stop();
  const log = alarmLog(cfg.storePath);
  assert.ok(log.includes('frame-error-rate:cleared'), log.join(','));
  assert.ok(log.includes('reverse-energy:cleared'), log.join(','));
  const s = GatewayStore.open(join(cfg.storePath, 'gateway.db'));
  const recs = s.outbox.pending(0, 1000).map((m) => JSON.parse(Buffer.from(m.payload.split('.')[1]!, 'base64url').toString()) as { type: string; flags?: string[] });
  s.close();
  // Intervals closed while an alarm was active carry the alarm-active flag.
  assert.ok(recs.some((r) => r.type === 'interval' && r.flags?.includes('alarm-active')));
});

test('clock watch and persistence policy (pure)', () => {
  assert.equal(judgeClock({ wallMs: 0, monoMs: 0 }, { wallMs: 10_500, monoMs: 10_000 }, 2000).stepMs, 0);
  assert.equal(judgeClock({ wallMs: 0, monoMs: 0 }, { wallMs: 70_000, monoMs: 10_000 }, 2000).stepMs, 60_000);
  assert.equal(judgeClock(null, { wallMs: 1000, monoMs: 0 }, 2000).unsynchronised, true);
  const base = { persistIntervalMs: 300_000, periodMs: 1_800_000, counterEvent: 'none' };
  // Mid-period, within the persist interval: memory only.
  assert.equal(persistDecision({ ...base, prevAtMs: 310_000, atMs: 320_000, lastStoredAtMs: 300_000 }).reason, null);
  // Crossing a persist boundary.
  assert.equal(persistDecision({ ...base, prevAtMs: 590_000, atMs: 600_000, lastStoredAtMs: 300_000 }).reason, 'periodic');
  // Crossing a period boundary off-grid: both sides are stored.
  assert.equal(persistDecision({ ...base, prevAtMs: 1_795_000, atMs: 1_805_000, lastStoredAtMs: 1_500_000 }), { reason: 'boundary-first', storePrevious: true });
  // A counter event is always stored.
  assert.equal(persistDecision({ ...base, counterEvent: 'wrap', prevAtMs: 310_000, atMs: 320_000, lastStoredAtMs: 300_000 }).reason, 'event');
});

test('connection options: persistent session, retained will, TLS files; secrets never in logs', () => {
  const pw = join(root, 'pw');
  writeFileSync(pw, 's3cret\n');
  writeFileSync(join(root, 'ca.pem'), 'CA');
  const o = connectionOptions('gw1', { url: 'mqtts://b:8883', username: 'u', passwordFile: pw, tls: { caFile: join(root, 'ca.pem') } });
  assert.equal(o.clean, false);
  assert.equal(o.clientId, 'amsgate-gw1');
  assert.equal(o.password, 's3cret');
  assert.equal(o.will?.retain, true);
  assert.equal(JSON.parse(String(o.will?.payload)).state, 'offline');
  assert.equal(String(o.ca), 'CA');
  assert.equal(o.rejectUnauthorized, true);
  assert.equal(redactUrl('mqtt://user:pass@host:1883'), 'mqtt://user:***@host:1883');
  assert.throws(() => connectionOptions('gw1', { url: 'mqtts://b', tls: { certFile: join(root, 'missing.pem') } }), /cannot read broker client certificate file/);
});

test('retention prunes old intervals and readings, keeps what an open period needs', () => {
  const s = GatewayStore.open(join(root, 'ret.db'));
  const DAY = 86_400_000;
  const now = 1000 * DAY;
  for (const at of [now - 500 * DAY, now - 40 * DAY, now - DAY]) {
    s.insertReading({ meter: 'm', channel: 'import', at, raw: 1n, extended: 1n, whPerCount: '1', source: 'periodic', event: 'none' });
    s.insertInterval({ recordId: `r${at}`, meter: 'm', channel: 'import', resolution: 'PT30M', periodStart: at, periodEnd: at + 1_800_000, revision: 0, energyWh: 1n, quality: 'actual', seq: at, compact: 'x', createdAt: at });
  }
  const r = s.prune(now, { intervalDays: 400, rawReadingDays: 35 }, now - 45 * DAY);
  assert.equal(r.intervals, 1);
  assert.equal(r.readings, 1, 'the 40-day-old reading is kept: an open period started 45 days ago');
  s.close();
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
