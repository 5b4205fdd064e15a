// The console's commissioning reads the meter identity on the gateway's own connection (Gateway.identifyMeter,
// between two polls) and judges it with the check `amsgate commission` uses: a simulated IEC 62056-21 meter on a
// pty reports its serial, so the configured serial passes and a wrong one fails with what to fix.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scaledClock } from '../../drivers/clock.js';
import { parseConfig } from '../../device/config/gateway-config.js';
import { Gateway } from '../../device/runtime/gateway.js';
import { CommissionJob } from '../../device/console/commission-job.js';
import { LiveFeed } from '../../device/console/live-feed.js';
import { loadOrCreateDeviceKey } from '../../device/signing/device-key.js';
import { until } from './console-rig.js';

/** The serial the IEC 62056-21 simulator prints in 0.0.0 (its default). */
const SIM_SERIAL = 'AMS00000001';

async function withGateway(serial: string, body: (gw: Gateway, job: () => CommissionJob) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-ident-'));
  const clock = scaledClock(60, Date.now());
  const cfg = parseConfig(
    {
      deviceId: 'gw-ident',
      meters: [{ id: 'grid', model: 'iec62056', connection: { serial: 'auto' }, simulate: { profile: 'constant', ratingW: 3000 }, serial, amsid: { import: '2000000000015' }, role: 'boundary', phases: 3, ratedVoltageV: 230, ratedCurrentA: 5, maxCurrentA: 100 }],
      storePath: join(dir, 'data'),
    },
    join(dir, 'gateway.json'),
  );
  const feed = new LiveFeed();
  const gw = new Gateway({ config: cfg, clock, brokerUrl: null, onEvent: (e) => feed.observe(e) });
  await gw.start();
  try {
    const key = loadOrCreateDeviceKey(cfg.keys.dir, cfg.keys.algorithm);
    await body(gw, () => new CommissionJob({ cfg, gateway: gw, clock, feed, brokerUrl: null, key, password: null }, 30));
  } finally {
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the console's commissioning job to the end, answering as an installer would; returns its identity check. */
async function identityCheckOf(job: CommissionJob): Promise<{ status: string; figures: Record<string, unknown>; fix?: string }> {
  await until(() => {
    const p = job.pending;
    if (p) job.answer(p.q.id, p.q.kind === 'text' ? 'A. Installer' : p.q.kind === 'number' ? '0' : 'yes');
    return job.state !== 'running';
  }, 'the commissioning run to end', 30_000);
  assert.is(job.error, null);
  const c = job.record!.checks.find((k) => k.id === 'identity:grid')!;
  return c as never;
}

test('identifyMeter reads the serial on the gateway\'s own connection', async () => {
  await withGateway(SIM_SERIAL, async (gw) => {
    const id = await until2(() => gw.identifyMeter('grid'));
    assert.is(id.serial, SIM_SERIAL);
  });
});

test('commissioning from the console: the configured serial passes against the live meter', async () => {
  await withGateway(SIM_SERIAL, async (gw, job) => {
    await until2(() => gw.identifyMeter('grid'));
    const c = await identityCheckOf(job());
    assert.is(c.status, 'pass');
    assert.equal(c.figures, { configured: SIM_SERIAL, reported: SIM_SERIAL });
  });
});

test('commissioning from the console: a wrong configured serial fails and says what to fix', async () => {
  await withGateway('AMS99999999', async (gw, job) => {
    await until2(() => gw.identifyMeter('grid'));
    const c = await identityCheckOf(job());
    assert.is(c.status, 'fail');
    assert.equal(c.figures, { configured: 'AMS99999999', reported: SIM_SERIAL });
    assert.match(c.fix!, /meters\[\]\.serial/);
  });
});

/** Retries `f` until it resolves (the meter is opened by the first poll). */
async function until2<T>(f: () => Promise<T>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await f();
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

test.run();
