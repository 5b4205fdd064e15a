// Real Mosquitto (127.0.0.1:1883, MQTT v5) + PostgreSQL: 200 signed devices into two collectors sharing one
// subscription; one collector is killed mid-run and restarted with the same client id. Every record must be stored
// exactly once and none lost.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import mqtt from 'mqtt';
import { Collector } from '../../../host-cli/collector/collector.js';
import { PgStore } from '../../../host-cli/collector/pg-store.js';
import { newIdentity, SimDevice } from '../../../host-cli/collector/sim-device.js';
import { tempPg } from './pg.js';

const BROKER = process.env.AMSGATE_TEST_MQTT ?? 'mqtt://127.0.0.1:1883';
const T = Date.parse('2026-06-01T00:00:00Z');

async function until(cond: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('200 devices, two collectors on a shared subscription, one killed and restarted: nothing lost, nothing doubled', async () => {
  const { store, url, cleanup } = await tempPg('fleet');
  const storeB = new PgStore(url);
  const storeA2 = new PgStore(url);
  const group = `g${Date.now().toString(36)}`;
  const DEVICES = 200;
  const PER = 10;
  const devices: SimDevice[] = [];
  for (let i = 0; i < DEVICES; i++) {
    const id = newIdentity(`sys-${group}-${i}`, i % 2 ? 'ES256' : 'EdDSA');
    await store.addKey({ device: id.device, kid: id.kid, alg: id.alg, jwk: id.publicJwk, validFrom: 0, validTo: null, source: 'test', addedAt: 0 });
    devices.push(new SimDevice(id));
  }
  const messages: { topic: string; payload: string }[] = [];
  for (let k = 0; k < PER; k++) {
    for (const d of devices) messages.push({ topic: `amsgate/v1/${d.device}/interval`, payload: d.interval({ start: T + k * 1800_000, energyWh: k }).compact });
  }
  const a = new Collector({ broker: BROKER, store, group, clientId: `${group}-A`, batchSize: 100 });
  const b = new Collector({ broker: BROKER, store: storeB, group, clientId: `${group}-B`, batchSize: 100 });
  let a2: Collector | null = null;
  const pub = await mqtt.connectAsync(BROKER, { protocolVersion: 5 });
  try {
    await a.start();
    await b.start();
    let killed = false;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      void pub.publishAsync(m.topic, m.payload, { qos: 1 });
      if (i % 100 === 99) await new Promise((r) => setTimeout(r, 5));
      if (!killed && i === Math.floor(messages.length / 2)) {
        killed = true;
        await a.kill();
      }
    }
    await until(() => b.stats.received > 0, 10_000, 'collector B to receive');
    a2 = new Collector({ broker: BROKER, store: storeA2, group, clientId: `${group}-A` });
    await a2.start();
    await until(async () => (await store.counts()).intervals === DEVICES * PER, 60_000, `all ${DEVICES * PER} intervals stored`);
    const counts = await store.counts();
    assert.is(counts.intervals, DEVICES * PER);
    // Other tests may publish on the same broker; only this run's devices must have no rejection.
    const ours = (await store.listRejections(10_000)).filter((r) => r.device?.startsWith(`sys-${group}-`));
    assert.equal(ours.map((r) => `${r.reason}: ${r.detail}`), []);
    const chain = await store.chainReport();
    assert.equal(chain, { gaps: [], breaks: [] });
    assert.ok(a.stats.received > 0 && b.stats.received > 0, 'both collectors took a share');
    console.log(`  A received ${a.stats.received} (killed), B ${b.stats.received}, A restarted ${a2.stats.received}; duplicates ${counts.duplicates}`);
  } finally {
    await pub.endAsync();
    await b.stop();
    if (a2) await a2.stop();
    await storeB.close();
    await storeA2.close();
    await cleanup();
  }
});

test.run();
