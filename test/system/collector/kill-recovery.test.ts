// Nothing lost whatever the broker does: two `amsgate collect` processes share a subscription on a private Mosquitto
// (the shipped head-end configuration, its queue limit set back to the stock 1000 so that the broker really drops);
// one is SIGKILLed while far more than its queue holds is published, the other is never restarted. Every record must
// be stored within RECOVERY_S of the killed one's restart, the dropped ones through resend by sequence range.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ChildProcess } from 'node:child_process';
import { SimLink } from '../../../host-cli/collector/sim-link.js';
import { newIdentity, SimDevice } from '../../../host-cli/collector/sim-device.js';
import { startHeadEndBroker } from './mosquitto.js';
import { tempPg } from './pg.js';
import { spawnCollector, stopCollector } from '../../helpers/collector-process.js';

const T = Date.parse('2026-06-01T00:00:00Z');
const DEVICES = 50;
const BEFORE = 4; // records per device with both collectors up
const DURING = 120; // records per device while A is dead: its share (~3000) is far over 1000 queued + 1000 in flight
const RECOVERY_S = 60;

const collector = (broker: string, db: string, group: string, id: string): Promise<ChildProcess> =>
  spawnCollector({ broker, db, group, clientId: id, args: ['--recover-interval', '1', '--recover-grace', '2', '--recover-backoff', '1'] });

async function until(cond: () => Promise<boolean>, ms: number, what: () => string): Promise<number> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return Date.now() - t0;
}

test(`SIGKILLed collector, stock queue limit: every record stored within ${RECOVERY_S} s of its restart, through resend`, async () => {
  const broker = await startHeadEndBroker({ max_queued_messages: '1000' });
  const { store, url, cleanup } = await tempPg('kill');
  const link = new SimLink(broker.url);
  const children: ChildProcess[] = [];
  try {
    const devices: SimDevice[] = [];
    for (let i = 0; i < DEVICES; i++) {
      const id = newIdentity(`kill-${i}`, 'EdDSA');
      await store.addKey({ device: id.device, kid: id.kid, alg: id.alg, jwk: id.publicJwk, validFrom: 0, validTo: null, source: 'test', addedAt: 0 });
      devices.push(new SimDevice(id));
    }
    const total = DEVICES * (BEFORE + DURING);
    const batch = (k0: number, k1: number): string[] => {
      const out: string[] = [];
      for (let k = k0; k < k1; k++) for (const d of devices) out.push(d.interval({ start: T + k * 1800_000, energyWh: 10 + k }).compact);
      return out;
    };
    await link.connect();
    const group = `kill${Date.now().toString(36)}`;
    const a = await collector(broker.url, url, group, `${group}-A`);
    const b = await collector(broker.url, url, group, `${group}-B`);
    children.push(a, b);
    await Promise.all(batch(0, BEFORE).map((c) => link.publish(c)));
    await link.heartbeat();
    await until(async () => (await store.counts()).intervals === DEVICES * BEFORE, 30_000, () => 'the first records');

    a.kill('SIGKILL');
    await new Promise((r) => a.once('exit', r));
    const during = batch(BEFORE, BEFORE + DURING);
    for (let i = 0; i < during.length; i += 200) await Promise.all(during.slice(i, i + 200).map((c) => link.publish(c)));
    await link.heartbeat();
    // B alone cannot complete the store while A is dead (A's share waits in, or fell out of, A's session queue).
    await until(async () => (await store.counts()).intervals >= total / 2, 30_000, () => "B's share");
    const whileDead = (await store.counts()).intervals;
    assert.ok(whileDead < total, 'A was killed before its share was stored');

    const restarted = Date.now();
    const a2 = await collector(broker.url, url, group, `${group}-A`);
    children.push(a2);
    let last = 0;
    const took = await until(
      async () => (last = (await store.counts()).intervals) === total,
      RECOVERY_S * 1000,
      () => `all ${total} records (have ${last}; resent ${link.resentRecords} in ${link.resendCommands} commands)`,
    );
    const chain = await store.chainReport();
    assert.equal(chain, { gaps: [], breaks: [] });
    const c = await store.counts();
    assert.is(c.intervals, total);
    assert.equal(c.rejections, {});
    // The broker did drop: without resends the store could not be complete.
    assert.ok(link.resentRecords > 0, 'records came through resend');
    console.log(
      `  ${total} records; ${whileDead} stored while A was dead; all stored ${(took / 1000).toFixed(1)} s after A's restart ` +
        `(${((Date.now() - restarted) / 1000).toFixed(1)} s incl. start-up); ${link.resendCommands} resend commands, ${link.resentRecords} records resent, ${c.duplicates} duplicates absorbed`,
    );
  } finally {
    await Promise.all(children.map((ch) => stopCollector(ch)));
    await link.close().catch(() => undefined);
    await cleanup();
    await broker.stop();
  }
});

test.run();
