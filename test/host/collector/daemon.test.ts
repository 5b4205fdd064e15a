import { test } from 'uvu';
import * as assert from 'uvu/assert';
import mqtt from 'mqtt';
import { Collector } from '../../../host-cli/collector/collector.js';
import type { CollectorStore } from '../../../host-cli/collector/store-types.js';
import { startBroker } from './broker.js';
import { registeredDevice, tempSqlite } from './helpers.js';

const T = Date.parse('2026-06-01T00:00:00Z');

async function until(cond: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('collector stores good records, rejects bad ones with reasons, and keeps running', async () => {
  const broker = await startBroker();
  const { store, cleanup } = await tempSqlite();
  const dev = await registeredDevice(store, 'gw1');
  const col = new Collector({ broker: broker.url, store, protocolVersion: 4, shared: false, clientId: 'col-test-1' });
  const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
  try {
    await col.start();
    for (let i = 0; i < 20; i++) {
      await pub.publishAsync(`amsgate/v1/gw1/interval`, dev.interval({ start: T + i * 1800_000, energyWh: i }).compact, { qos: 1 });
    }
    await pub.publishAsync(`amsgate/v1/gw1/interval`, '{"not":"a jws"}', { qos: 1 });
    await pub.publishAsync(`amsgate/v1/gw1/alarm`, Buffer.from([0xff, 0x00, 0x12]), { qos: 1 });
    await pub.publishAsync(`amsgate/v1/gw1/alarm`, dev.alarm('test', new Date(T + 99 * 1800_000).toISOString()).compact, { qos: 1 });
    await until(async () => (await store.counts()).records === 21 && col.stats.rejected === 2);
    const c = await store.counts();
    assert.equal(c.intervals, 20);
    assert.equal(c.alarms, 1);
    assert.equal(c.rejections, { 'malformed-jws': 2 });
    await until(() => col.stats.acked === 23);
  } finally {
    await pub.endAsync();
    await col.stop();
    await broker.close();
    await cleanup();
  }
});

test('a message is acknowledged only after it is stored: a collector that dies before the commit gets it again on reconnect', async () => {
  const broker = await startBroker();
  const { store, cleanup } = await tempSqlite();
  const dev = await registeredDevice(store, 'gw1');
  // A store whose commit never finishes: the messages are received but must not be acknowledged.
  let received = 0;
  const stuck: CollectorStore = Object.assign(Object.create(store) as CollectorStore, {
    ingest: () => {
      received++;
      return new Promise<never>(() => undefined);
    },
    listKeys: () => store.listKeys(),
  });
  const a = new Collector({ broker: broker.url, store: stuck, protocolVersion: 4, shared: false, clientId: 'col-A' });
  const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
  let b: Collector | null = null;
  try {
    await a.start();
    for (let i = 0; i < 10; i++) await pub.publishAsync('amsgate/v1/gw1/interval', dev.interval({ start: T + i * 1800_000, energyWh: 7 }).compact, { qos: 1 });
    await until(() => a.stats.received === 10 && received > 0);
    assert.is(a.stats.acked, 0);
    await a.kill();
    b = new Collector({ broker: broker.url, store, protocolVersion: 4, shared: false, clientId: 'col-A' });
    await b.start();
    await until(async () => (await store.counts()).intervals === 10);
    await until(() => b!.stats.acked === 10);
    assert.is((await store.counts()).duplicates, 0);
  } finally {
    await pub.endAsync();
    if (b) await b.stop();
    await broker.close();
    await cleanup();
  }
});

test('a key registered while the daemon runs is picked up at the next unknown kid', async () => {
  const broker = await startBroker();
  const { store, cleanup } = await tempSqlite();
  const first = await registeredDevice(store, 'gw1');
  const col = new Collector({ broker: broker.url, store, protocolVersion: 4, shared: false, clientId: 'col-keys', keyRefreshMs: 100 });
  const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
  try {
    await col.start();
    assert.is(col.keyCount, 1);
    await new Promise((r) => setTimeout(r, 150));
    const late = await registeredDevice(store, 'gw2');
    await pub.publishAsync('amsgate/v1/gw2/interval', late.interval({ start: T, energyWh: 1 }).compact, { qos: 1 });
    await pub.publishAsync('amsgate/v1/gw1/interval', first.interval({ start: T, energyWh: 1 }).compact, { qos: 1 });
    await until(async () => (await store.counts()).intervals === 2);
    assert.is(col.keyCount, 2);
    assert.is(col.stats.rejected, 0);
  } finally {
    await pub.endAsync();
    await col.stop();
    await broker.close();
    await cleanup();
  }
});

test('a failing database commit is retried and nothing is acknowledged until it succeeds', async () => {
  const broker = await startBroker();
  const { store, cleanup } = await tempSqlite();
  const dev = await registeredDevice(store, 'gw1');
  let failures = 2;
  const flaky: CollectorStore = Object.assign(Object.create(store) as CollectorStore, {
    ingest: (r: Parameters<CollectorStore['ingest']>[0], j: Parameters<CollectorStore['ingest']>[1]) => {
      if (failures > 0) {
        failures--;
        return Promise.reject(new Error('database unreachable'));
      }
      return store.ingest(r, j);
    },
    listKeys: () => store.listKeys(),
  });
  const logs: Record<string, unknown>[] = [];
  const col = new Collector({ broker: broker.url, store: flaky, protocolVersion: 4, shared: false, clientId: 'col-flaky', log: (e) => logs.push(e) });
  const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
  try {
    await col.start();
    for (let i = 0; i < 5; i++) await pub.publishAsync('amsgate/v1/gw1/interval', dev.interval({ start: T + i * 1800_000, energyWh: 1 }).compact, { qos: 1 });
    await until(() => col.stats.storeErrors >= 1);
    assert.is(col.stats.acked, 0);
    await until(async () => (await store.counts()).intervals === 5, 30_000);
    await until(() => col.stats.acked === 5, 30_000);
    assert.ok(logs.some((l) => l.event === 'store-error'));
  } finally {
    await pub.endAsync();
    await col.stop();
    await broker.close();
    await cleanup();
  }
});

test('a flush that finds the queue empty does not stop later messages from being stored', async () => {
  const broker = await startBroker();
  const { store, cleanup } = await tempSqlite();
  const dev = await registeredDevice(store, 'gw1');
  const col = new Collector({ broker: broker.url, store, protocolVersion: 4, shared: false, clientId: 'col-empty-flush' });
  const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
  try {
    await col.start();
    // What the flush timer does when a running flush has already taken its messages.
    await (col as unknown as { kick(): Promise<void> }).kick();
    await pub.publishAsync(`amsgate/v1/gw1/interval`, dev.interval({ start: T, energyWh: 7 }).compact, { qos: 1 });
    await until(async () => (await store.counts()).records === 1);
  } finally {
    await pub.endAsync();
    await col.stop();
    await broker.close();
    await cleanup();
  }
});

test.run();
