// Adoption on a private Mosquitto (the shipped head-end configuration): two members of a group with presence; one is
// killed (its will says "offline") and NOT restarted; the survivor takes over its session, so the dead member's share
// of what is published afterwards is stored at once, none of it left queued at the broker. When the member returns,
// the broker hands it its session back (the adopter's connection ends, it does not fight back), and from then on both
// store their shares. Every record exactly once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import mqtt from 'mqtt';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adoptions } from '../../../host-cli/collector/adoption.js';
import { startAdopter } from '../../../host-cli/collector/adopter.js';
import { Collector } from '../../../host-cli/collector/collector.js';
import type { CollectorOptions } from '../../../host-cli/collector/collector-types.js';
import { newIdentity, SimDevice } from '../../../host-cli/collector/sim-device.js';
import { SqliteStore } from '../../../host-cli/collector/sqlite-store.js';
import { startHeadEndBroker } from './mosquitto.js';
import type { ChildProcess } from 'node:child_process';
import { SimLink } from '../../../host-cli/collector/sim-link.js';
import { spawnCollector, stopCollector } from '../../helpers/collector-process.js';
import { tempPg } from './pg.js';

const T = Date.parse('2026-06-01T00:00:00Z');
const DEVICES = 40;

async function until(cond: () => Promise<boolean> | boolean, ms: number, what: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a dead member is adopted until it returns: its share stored at once, each record once', async () => {
  const broker = await startHeadEndBroker();
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-adopt-'));
  const store = new SqliteStore(join(dir, 'c.sqlite'));
  await store.init();
  const group = `adopt${Date.now().toString(36)}`;
  const devices: SimDevice[] = [];
  for (let i = 0; i < DEVICES; i++) {
    const id = newIdentity(`ad-${group}-${i}`, 'EdDSA');
    await store.addKey({ device: id.device, kid: id.kid, alg: id.alg, jwk: id.publicJwk, validFrom: 0, validTo: null, source: 'test', addedAt: 0 });
    devices.push(new SimDevice(id));
  }
  let k = 0;
  const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
  const publish = async (rounds: number): Promise<number> => {
    for (let r = 0; r < rounds; r++, k++) {
      await Promise.all(devices.map((d) => pub.publishAsync(`amsgate/v1/${d.device}/interval`, d.interval({ start: T + k * 1800_000, energyWh: k }).compact, { qos: 1 })));
    }
    return k * DEVICES;
  };
  const events: Record<string, unknown>[] = [];
  const log = (e: Record<string, unknown>): void => void events.push(e);
  const base: CollectorOptions = { broker: broker.url, store, group, batchSize: 50, log };
  const ids = { a: `${group}-A`, b: `${group}-B` };
  const adoptions = new Adoptions({ self: ids.b, log, liveDelayMs: 500, retainedDelayMs: 500, adopt: (m) => startAdopter(base, m, log) });
  const member = (clientId: string, onPresence?: Adoptions): Collector =>
    new Collector({ ...base, clientId, presence: true, onMemberPresence: (p, retained) => onPresence?.onPresence(p, retained) });
  const a = member(ids.a);
  const b = member(ids.b, adoptions);
  let a2: Collector | null = null;
  const stored = async (): Promise<number> => (await store.counts()).intervals;
  try {
    await a.start();
    await b.start();
    let total = await publish(3);
    await until(async () => (await stored()) === total, 20_000, () => `the first ${total} records stored`);
    assert.ok(a.stats.accepted > 0 && b.stats.accepted > 0, 'both members take a share');

    await a.kill(); // no DISCONNECT: the broker publishes A's will
    await until(() => adoptions.adopted.includes(ids.a), 10_000, () => `B to adopt A (events ${JSON.stringify(events.filter((e) => String(e.event).startsWith('adopt')))})`);
    total = await publish(10);
    await until(async () => (await stored()) === total, 30_000, () => `all ${total} stored with A dead`);
    const byAdopter = events.filter((e) => e.event === 'batch' && e.adoptedFor === ids.a).reduce((n, e) => n + Number(e.accepted), 0);
    assert.ok(byAdopter > 0, "the adopter stored A's share");

    a2 = member(ids.a);
    await a2.start(); // takes its session back: the broker ends the adopter's connection
    await until(() => !adoptions.adopted.includes(ids.a), 10_000, () => 'the adoption to end when A returned');
    assert.ok(events.some((e) => e.event === 'adoption-ended' && e.member === ids.a));
    total = await publish(3);
    await until(async () => (await stored()) === total, 30_000, () => `all ${total} stored after A's return`);
    const before = a2.stats.accepted;
    total = await publish(2);
    await until(async () => (await stored()) === total, 30_000, () => 'the last records');
    assert.ok(a2.stats.accepted > before, 'A stores its share again (not taken back by B)');
    const counts = await store.counts();
    assert.is(counts.intervals, DEVICES * k, 'each record stored once');
    assert.is((await store.chainReport()).gaps.length, 0);
    console.log(`  ${total} records; adopter stored ${byAdopter} of A's share while A was dead; duplicates absorbed ${counts.duplicates}`);
  } finally {
    await adoptions.stopAll();
    for (const c of [a2, b]) await c?.stop(2000).catch(() => undefined);
    await pub.endAsync();
    await store.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('amsgate collect --adopt, stock queue limit: a SIGKILLed member never restarted; its share is stored by the survivor', async () => {
  const broker = await startHeadEndBroker({ max_queued_messages: '1000' });
  const { store, url, cleanup } = await tempPg('adopt');
  const link = new SimLink(broker.url);
  const children: ChildProcess[] = [];
  const events: Record<string, unknown>[] = [];
  const N = 30;
  try {
    const devs: SimDevice[] = [];
    for (let i = 0; i < N; i++) {
      const id = newIdentity(`adp-${i}`, 'EdDSA');
      await store.addKey({ device: id.device, kid: id.kid, alg: id.alg, jwk: id.publicJwk, validFrom: 0, validTo: null, source: 'test', addedAt: 0 });
      devs.push(new SimDevice(id));
    }
    let k = 0;
    const send = async (rounds: number): Promise<number> => {
      for (let r = 0; r < rounds; r++, k++) await Promise.all(devs.map((d) => link.publish(d.interval({ start: T + k * 1800_000, energyWh: 5 + k }).compact)));
      await link.heartbeat();
      return k * N;
    };
    await link.connect();
    const group = `adp${Date.now().toString(36)}`;
    const args = ['--adopt', '--adopt-after', '1', '--recover-interval', '1', '--recover-grace', '2', '--recover-backoff', '1'];
    const spawn = (id: string): Promise<ChildProcess> => spawnCollector({ broker: broker.url, db: url, group, clientId: id, args, onEvent: (e) => void events.push({ ...e, from: id }) });
    const a = await spawn(`${group}-A`);
    const b = await spawn(`${group}-B`);
    children.push(a, b);
    let total = await send(3);
    await until(async () => (await store.counts()).intervals === total, 30_000, () => 'the first records');
    a.kill('SIGKILL');
    await new Promise((r) => a.once('exit', r));
    await until(() => events.some((e) => e.event === 'adopting' && e.from === `${group}-B`), 15_000, () => 'B to adopt A');
    total = await send(60); // A's share, 900, is within what its session holds until the adoption
    let last = 0;
    await until(async () => (last = (await store.counts()).intervals) === total, 60_000, () => `all ${total} stored without A (have ${last})`);
    const byAdopter = events.filter((e) => e.event === 'batch' && e.adoptedFor === `${group}-A`).reduce((n, e) => n + Number(e.accepted), 0);
    assert.ok(byAdopter > 0, "B's adopter stored A's share");
    const c = await store.counts();
    assert.is(c.intervals, total);
    assert.equal(await store.chainReport(), { gaps: [], breaks: [] });
    console.log(`  ${total} records, A never restarted: B's adopter stored ${byAdopter}; ${link.resentRecords} resent; ${c.duplicates} duplicates absorbed`);
  } finally {
    await Promise.all(children.map((ch) => stopCollector(ch)));
    await link.close().catch(() => undefined);
    await cleanup();
    await broker.stop();
  }
});

test.run();
