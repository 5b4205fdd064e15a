import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, type MqttClient } from 'mqtt';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../../drivers/clock.js';
import { startEmbeddedBroker } from '../../../device/mqtt/embedded-broker.js';
import { OutboxPublisher } from '../../../device/mqtt/outbox-publisher.js';
import { GatewayStore } from '../../../device/store/gateway-store.js';

const dir = mkdtempSync(join(tmpdir(), 'amsgate-pub-'));

function connected(c: MqttClient): Promise<void> {
  return new Promise((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('error', reject);
  });
}

async function subscriber(url: string, got: string[]): Promise<MqttClient> {
  const sub = connect(url, { clientId: 'collector', clean: false, protocolVersion: 4, reconnectPeriod: 100 });
  sub.on('message', (_t, p) => got.push(p.toString()));
  await connected(sub);
  await sub.subscribeAsync('t/#', { qos: 1 });
  return sub;
}

async function until(cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('drains the backlog in order and marks rows delivered only after PUBACK', async () => {
  const broker = await startEmbeddedBroker();
  const store = GatewayStore.open(join(dir, 'a.db'));
  for (let i = 1; i <= 300; i++) store.outbox.enqueue('t/x', `m${i}`, 1, `r${i}`, i);
  const got: string[] = [];
  const sub = await subscriber(broker.url, got);
  const client = connect(broker.url, { clientId: 'gw', clean: false, protocolVersion: 4 });
  const pub = new OutboxPublisher({ client, outbox: store.outbox, clock: systemClock, window: 20 });
  await connected(client);
  await pub.whenDrained();
  await until(() => got.length >= 300);
  assert.equal(got, Array.from({ length: 300 }, (_, i) => `m${i + 1}`));
  assert.equal(store.outbox.backlog().count, 0);
  pub.stop();
  await client.endAsync();
  await sub.endAsync();
  store.close();
  await broker.close();
});

test('a dropped connection and a restarted publisher lose nothing; duplicates are only by id', async () => {
  const broker = await startEmbeddedBroker();
  const path = join(dir, 'b.db');
  let store = GatewayStore.open(path);
  const got: string[] = [];
  const sub = await subscriber(broker.url, got);
  let client = connect(broker.url, { clientId: 'gw2', clean: false, protocolVersion: 4, reconnectPeriod: 50 });
  let pub = new OutboxPublisher({ client, outbox: store.outbox, clock: systemClock, window: 5 });
  await connected(client);
  for (let i = 1; i <= 100; i++) {
    store.outbox.enqueue('t/y', `n${i}`, 1, `r${i}`, i);
    pub.kick();
    if (i === 40) client.stream.destroy(); // connection lost mid-drain
  }
  await until(() => got.length >= 60);
  // Crash the publisher without flushing acks: those rows must be sent again by the next process.
  pub.stop();
  client.end(true);
  store.close();
  store = GatewayStore.open(path);
  for (let i = 101; i <= 120; i++) store.outbox.enqueue('t/y', `n${i}`, 1, `r${i}`, i);
  client = connect(broker.url, { clientId: 'gw2', clean: false, protocolVersion: 4 });
  pub = new OutboxPublisher({ client, outbox: store.outbox, clock: systemClock });
  await connected(client);
  await pub.whenDrained();
  await until(() => new Set(got).size >= 120);
  const unique = [...new Set(got)];
  assert.equal(unique.length, 120);
  // First arrival of every message keeps outbox order.
  assert.equal(unique, Array.from({ length: 120 }, (_, i) => `n${i + 1}`));
  pub.stop();
  await client.endAsync();
  await sub.endAsync();
  store.close();
  await broker.close();
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
