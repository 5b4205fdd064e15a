// Time to drain 30 days of backlog to a broker after reconnect (target <= 2 s). Builds a store holding 30 days
// of sealed, signed half-hour records for the demo's three channels plus some alarms, then connects and drains
// through the same OutboxPublisher the gateway uses, with a subscriber counting what arrives.
// Usage: npx tsx bench/drain-backlog.ts [mqtt://127.0.0.1:1883] [days]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'mqtt';
import { systemClock } from '../drivers/clock.js';
import { loadOrCreateDeviceKey } from '../device/signing/device-key.js';
import { GatewayStore } from '../device/store/gateway-store.js';
import { RecordWriter } from '../device/runtime/record-writer.js';
import { OutboxPublisher } from '../device/mqtt/outbox-publisher.js';
import { startEmbeddedBroker } from '../device/mqtt/embedded-broker.js';
import { formatKwh } from '../device/records/record-chain.js';
import type { Channel } from '../device/records/record-types.js';

const url0 = process.argv[2] ?? 'mqtt://127.0.0.1:1883';
const days = Number(process.argv[3] ?? 30);
const dir = mkdtempSync(join(tmpdir(), 'amsgate-drain-'));
const dev = `bench-drain-${process.pid}`;

const store = GatewayStore.open(join(dir, 'gateway.db'));
const key = loadOrCreateDeviceKey(join(dir, 'keys'), 'ES256');
const w = new RecordWriter(store, dev, key);
const start = Date.UTC(2026, 0, 1);
const channels: [string, Channel, string][] = [['charger', 'import', '2000000000015'], ['battery', 'import', '2000000000024'], ['battery', 'export', '2000000000033']];
const tBuild = performance.now();
store.transaction(() => {
  for (let p = 0; p < days * 48; p++) {
    const s = start + p * 1_800_000;
    for (const [meter, channel, amsid] of channels) {
      const wh = 1000n + BigInt(p % 7);
      w.writeInterval({
        type: 'interval', meter: { id: meter, serial: 'S', model: 'sdm630' }, amsid, channel,
        period: { start: new Date(s).toISOString().replace('.000Z', 'Z'), end: new Date(s + 1_800_000).toISOString().replace('.000Z', 'Z'), resolution: 'PT30M', settlementDate: new Date(s).toISOString().slice(0, 10), settlementPeriod: (p % 48) + 1 },
        energyWh: Number(wh), energyKwh: formatKwh(wh), rawCounts: String(wh), register: { start: '0', end: String(wh), whPerCount: '1' },
        quality: 'actual', coveragePermille: 1000, flags: [], revision: 0,
      }, s, s + 1_800_000, s + 1_860_000);
    }
  }
});
const backlog = store.outbox.backlog().count;
const buildMs = performance.now() - tBuild;

let url = url0;
let embedded: Awaited<ReturnType<typeof startEmbeddedBroker>> | null = null;
const reachable = await new Promise<boolean>((resolve) => {
  const c = connect(url0, { connectTimeout: 1500, reconnectPeriod: 0 });
  c.once('connect', () => { c.end(true); resolve(true); });
  c.once('error', () => { c.end(true); resolve(false); });
  setTimeout(() => { c.end(true); resolve(false); }, 2000);
});
if (!reachable) {
  embedded = await startEmbeddedBroker();
  url = embedded.url;
}

let received = 0;
const sub = connect(url, { clientId: `${dev}-sub`, clean: true, protocolVersion: 4 });
sub.on('message', () => received++);
await new Promise((r) => sub.once('connect', r));
await sub.subscribeAsync(`amsgate/v1/${dev}/#`, { qos: 1 });

const client = connect(url, { clientId: `${dev}-gw`, clean: false, protocolVersion: 4 });
const pub = new OutboxPublisher({ client, outbox: store.outbox, clock: systemClock, window: Number(process.env.WINDOW ?? 20) });
const t0 = performance.now();
const cpu0 = process.cpuUsage();
await new Promise((r) => client.once('connect', r));
await pub.whenDrained();
const drainMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
while (received < backlog) await new Promise((r) => setTimeout(r, 5));
const allMs = performance.now() - t0;

console.log(`broker: ${url}${embedded ? ' (embedded aedes: Mosquitto not reachable)' : ''}`);
console.log(`backlog: ${backlog} signed records (${days} days x 48 periods x ${channels.length} channels), built in ${(buildMs / 1000).toFixed(2)} s`);
console.log(`drain (connect to last PUBACK stored): ${(drainMs / 1000).toFixed(3)} s  (${Math.round(backlog / (drainMs / 1000))} records/s, window ${process.env.WINDOW ?? 20})   target <= 2 s`);
console.log(`CPU used by this process during the drain (publisher + subscriber): ${((cpu.user + cpu.system) / 1e6).toFixed(3)} s; load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).cpus().length} cores`);
console.log(`all received by subscriber: ${(allMs / 1000).toFixed(3)} s`);
pub.stop();
await client.endAsync();
await sub.endAsync();
store.close();
await embedded?.close();
rmSync(dir, { recursive: true, force: true });
