import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../drivers/clock.js';
import { demoConfig, type GatewayConfig } from '../../../device/config/gateway-config.js';
import { Gateway } from '../../../device/runtime/gateway.js';
import { GatewayStore } from '../../../device/store/gateway-store.js';
import { decodeCompactUnverified } from '../../../device/signing/jws.js';
import type { SignedRecordPayload } from '../../../device/records/record-types.js';
import { FakeMeter } from './fake-meter.js';

const root = mkdtempSync(join(tmpdir(), 'amsgate-gw-'));
let n = 0;
const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);

function config(): GatewayConfig {
  const c = demoConfig(join(root, `d${++n}`));
  c.meters = [{ ...c.meters[0]!, maxCurrentA: 100 }];
  c.pollIntervalMs = 10_000;
  c.persistIntervalMs = 300_000;
  return c;
}

async function run(clock: ManualClock, ms: number, step = 10_000): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    await clock.advance(step);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  }
}

function records(dir: string): SignedRecordPayload[] {
  const s = GatewayStore.open(join(dir, 'gateway.db'));
  const rows = s.outbox.pending(0, 1_000_000).map((m) => decodeCompactUnverified(m.payload).payload as SignedRecordPayload);
  s.close();
  return rows;
}

test('closes signed half-hour intervals that sum to the register advance', async () => {
  const cfg = config();
  const clock = new ManualClock(T0);
  const meter = new FakeMeter(clock);
  meter.powerW = 2000;
  const gw = new Gateway({ config: cfg, clock, openMeter: meter.opener(), brokerUrl: null });
  await gw.start();
  await run(clock, 2 * 3_600_000 + 20_000);
  await gw.stop();
  const recs = records(cfg.storePath);
  const ivs = recs.filter((r) => r.type === 'interval');
  assert.equal(ivs.length, 4);
  // The first period starts before the first reading (T0 + 10 s): estimated, 994 permille covered.
  const first = ivs[0]!;
  assert.ok(first.type === 'interval' && first.quality === 'estimated' && first.coveragePermille === 994 && first.energyWh === 995);
  for (const r of ivs.slice(1)) {
    if (r.type !== 'interval') continue;
    assert.equal(r.quality, 'actual', JSON.stringify(r));
    assert.equal(r.energyWh, 1000);
    assert.equal(r.period.resolution, 'PT30M');
  }
  // Chain: sequence numbers 1..n without gaps.
  assert.equal(recs.map((r) => r.seq), recs.map((_, i) => i + 1));
});

test('a crash and restart keep the wrap extension of a 16-bit counter and raise power-outage', async () => {
  const cfg = config();
  const clock = new ManualClock(T0);
  const meter = new FakeMeter(clock, 16, 60_000); // wraps at 65 536 Wh: within the first minutes
  meter.powerW = 40_000;
  let gw = new Gateway({ config: cfg, clock, openMeter: meter.opener(), brokerUrl: null });
  await gw.start();
  await run(clock, 95 * 60_000);
  // Crash: no flush, no clean shutdown marker.
  (gw as unknown as { running: boolean }).running = false;
  gw.store.close();
  await run(clock, 40 * 60_000, 60_000); // down for 40 minutes, the counter wraps again meanwhile
  gw = new Gateway({ config: cfg, clock, openMeter: meter.opener(), brokerUrl: null });
  await gw.start();
  await run(clock, 95 * 60_000);
  await gw.stop();
  const recs = records(cfg.storePath);
  const latest = new Map<string, number>();
  for (const r of recs) if (r.type === 'interval') latest.set(`${r.channel}/${r.period.start}`, r.energyWh);
  const sum = [...latest.entries()].filter(([k]) => k.startsWith('import/')).reduce((a, [, v]) => a + v, 0);
  // Register (whole Wh) from the first reading (T0 + 10 s) to the last closed boundary (T0 + 3.5 h).
  const reg = (s: number) => Math.floor(60_000 + (40_000 * s) / 3600);
  assert.equal(sum, reg(3.5 * 3600) - reg(10));
  const alarms = recs.filter((r) => r.type === 'alarm').map((r) => (r.type === 'alarm' ? `${r.alarm}:${r.state}` : ''));
  assert.ok(alarms.includes('power-outage:raised'), alarms.join(','));
  assert.ok(!alarms.includes('counter-reset:raised'), alarms.join(','));
  const ids = recs.filter((r) => r.type === 'interval').map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
});

test('a failing meter raises meter-comms-failure and closes its periods provisionally', async () => {
  const cfg = config();
  const clock = new ManualClock(T0);
  const meter = new FakeMeter(clock);
  const gw = new Gateway({ config: cfg, clock, openMeter: meter.opener(), brokerUrl: null });
  await gw.start();
  await run(clock, 20 * 60_000);
  meter.failing = true;
  await run(clock, 30 * 60_000);
  meter.failing = false;
  await run(clock, 20 * 60_000);
  await gw.stop();
  const recs = records(cfg.storePath);
  const alarms = recs.filter((r) => r.type === 'alarm').map((r) => (r.type === 'alarm' ? `${r.alarm}:${r.state}` : ''));
  assert.ok(alarms.includes('meter-comms-failure:raised'));
  assert.ok(alarms.includes('meter-comms-failure:cleared'));
  const first = recs.find((r) => r.type === 'interval' && r.period.start === new Date(T0).toISOString().replace('.000Z', 'Z'));
  assert.ok(first && first.type === 'interval' && first.quality === 'estimated');
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
