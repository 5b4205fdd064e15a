// Broker outage: the link to Mosquitto is cut for days of simulated time while the gateway is stopped and
// restarted (cleanly and by SIGKILL). When the link returns, every interval must arrive, in period order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogEntry } from '../../../drivers/catalog.js';
import { bundleGateway, exited, HeadEnd, judge, spawnGateway, timeline, writeConfig } from './campaign-helpers.js';
import { TcpSwitch } from './tcp-switch.js';
import { GatewayStore } from '../../../device/store/gateway-store.js';

const SPEED = 2000;
const STEP_MS = Number(process.env.OUTAGE_STEP_MS ?? 25_000);
const trace = (s: string) => process.env.AMSGATE_TRACE && console.log(`${new Date().toISOString()} ${s}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('days of broker outage with restarts: every interval delivered, in order', async () => {
  bundleGateway();
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-outage-'));
  const deviceId = `outage-${process.pid}-${Date.now() % 100000}`;
  const tl = timeline(SPEED, Date.UTC(2026, 3, 1, 0, 0));
  const sim = await catalogEntry('sdm630').startSimulator({ listen: { tcp: '127.0.0.1:0' }, unit: 1, clock: tl.clock, profile: 'constant', ratingW: 7000 });
  const link = await TcpSwitch.create({ host: '127.0.0.1', port: 1883 });
  const config = writeConfig(dir, deviceId, Number(sim.address.split(':').pop()), {
    pollIntervalMs: 300_000,
    maxGapMs: 900_000,
    broker: { url: `mqtt://127.0.0.1:${link.port}`, clientId: `gw-${deviceId}` },
  });
  const head = await HeadEnd.start(deviceId);
  let log = '';
  const run = () => spawnGateway(config, SPEED, tl.origin, (s) => (log = (log + s).slice(-3000)));
  try {
    await link.up();
    let gw = run();
    await sleep(6000);
    const before = head.received.length;
    await link.down();
    const outageFrom = tl.clock.now();
    for (const how of ['SIGTERM', 'SIGKILL', 'SIGTERM'] as const) {
      await sleep(STEP_MS);
      trace(`kill ${how}`);
      gw.kill(how);
      await exited(gw);
      trace('exited');
      gw = run();
    }
    await sleep(STEP_MS);
    const outageDays = (tl.clock.now() - outageFrom) / 86_400_000;
    const arrivedDuringOutage = head.received.length - before;
    trace('link up');
    await link.up();
    // Wait until the head-end holds the whole chain as it stood when the link came back.
    const store = GatewayStore.open(join(dir, 'data', 'gateway.db'), { readonly: true });
    const target = store.getMeta<{ seq: number }>('chain')?.seq ?? 0;
    store.close();
    const deadline = Date.now() + 60_000;
    while (new Set(head.received.map((r) => r.payload.seq).filter((q) => q <= target)).size < target && Date.now() < deadline) await sleep(200);
    trace(`chain up to seq ${target} received`);
    trace('drained; stopping');
    gw.kill('SIGTERM');
    await exited(gw);
    trace('stopped');
    const v = judge(head.received, 1_800_000);
    // First arrival of each interval id must be in period order.
    const seen = new Set<string>();
    const order: number[] = [];
    for (const r of head.received) {
      if (r.payload.type !== 'interval' || seen.has(r.payload.id)) continue;
      seen.add(r.payload.id);
      order.push(Date.parse(r.payload.period.start));
    }
    console.log(
      `broker outage: ${outageDays.toFixed(1)} simulated days with 3 restarts; ${arrivedDuringOutage} records during the outage; ` +
        `${v.records} distinct records, ${v.intervals.length} half-hours, ${v.duplicatesOnWire} duplicate deliveries`,
    );
    assert.ok(outageDays >= 2, `outage only ${outageDays} days`);
    assert.equal(arrivedDuringOutage, 0);
    assert.equal(v.problems, [], v.problems.slice(0, 10).join('\n') + `\n${log}`);
    assert.ok(head.maxSeq() >= target, `head-end has seq up to ${head.maxSeq()}, store had ${target}`);
    assert.ok(v.intervals.length >= 96, `only ${v.intervals.length} intervals\n${log}`);
    assert.equal(order, [...order].sort((a, b) => a - b), 'intervals arrived in period order');
  } finally {
    await link.down();
    await head.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
