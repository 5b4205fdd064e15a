// After a clean stop the retained status a head-end finds is the gateway's own "offline" with the time it stopped,
// not the broker's last will (which cannot know a time, and means "lost", not "stopped").
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect } from 'mqtt';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../drivers/clock.js';
import { demoConfig } from '../../../device/config/gateway-config.js';
import { Gateway } from '../../../device/runtime/gateway.js';
import { startEmbeddedBroker } from '../../../device/mqtt/embedded-broker.js';
import { topics } from '../../../device/mqtt/topics.js';
import { FakeMeter } from '../runtime/fake-meter.js';

const root = mkdtempSync(join(tmpdir(), 'amsgate-stopstatus-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

async function until(cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('the retained status after a clean stop is "offline" with the stop time', async () => {
  const broker = await startEmbeddedBroker();
  try {
    const cfg = demoConfig(join(root, 'd'));
    cfg.meters = [{ ...cfg.meters[0]! }];
    const clock = new ManualClock(T0);
    const gw = new Gateway({ config: cfg, clock, openMeter: new FakeMeter(clock).opener(), brokerUrl: broker.url });
    await gw.start();
    await until(() => gw.client?.connected === true);
    await clock.advance(10_000);
    const gone = new Promise((r) => broker.broker.on('clientDisconnect', (c) => c.id === `amsgate-${cfg.deviceId}` && r(undefined)));
    await gw.stop();
    // The broker publishes a last will (if any) as it closes the gateway's connection.
    await gone;
    // A head-end that connects afterwards gets the retained message only.
    const sub = connect(broker.url, { clientId: 'late-headend', protocolVersion: 4 });
    let retained: Record<string, unknown> | undefined;
    sub.on('message', (_t, p, packet) => {
      if (packet.retain) retained = JSON.parse(p.toString());
    });
    await new Promise((r) => sub.once('connect', r));
    await sub.subscribeAsync(topics.status(cfg.deviceId), { qos: 1 });
    await until(() => retained !== undefined);
    assert.equal(retained, { state: 'offline', device: cfg.deviceId, at: new Date(T0 + 10_000).toISOString() });
    await sub.endAsync();
  } finally {
    await broker.close();
  }
});

test.run();
