// One simulated day of the demo gateway measured from outside: the gateway runs as its own process (`amsgate
// run`, bundled), the demo's meters (SDM630 on Modbus TCP, BL0942 on a socat pty) and an aedes broker with a
// subscriber run in this process on the same simulated timeline. Prints the gateway process's RSS (target
// <= 100 MB), bytes it wrote to disk per simulated day (target <= 10 MB; /proc/<pid>/io write_bytes: what reached
// the block layer, SQLite WAL and checkpoints included) and its CPU time per poll.
// Usage: npx tsx bench/gateway-day.ts [speed=720] [hours=24]   (CONSOLE=1: installer console on, one client connected)
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'mqtt';
import { catalogEntry } from '../drivers/catalog.js';
import { demoConfig } from '../device/config/gateway-config.js';
import { startEmbeddedBroker } from '../device/mqtt/embedded-broker.js';
import { STORE_FILE } from '../device/runtime/gateway.js';
import { openPtyPair } from '../test/helpers/pty-pair.js';
import { setConsolePassword } from '../host-cli/commands/console.js';
import { consoleClient } from './console-client.js';
import { bundleGateway, exited, spawnGateway, timeline } from '../test/system/gateway/campaign-helpers.js';

const speed = Number(process.argv[2] ?? 720);
const hours = Number(process.argv[3] ?? 24);
const dir = mkdtempSync(join(tmpdir(), 'amsgate-day-'));
bundleGateway();

const tl = timeline(speed, Date.UTC(2026, 5, 1, 0, 0));
const broker = await startEmbeddedBroker();
let received = 0;
const sub = connect(broker.url, { clientId: 'bench-sub', protocolVersion: 4 });
sub.on('message', () => received++);
await new Promise((r) => sub.once('connect', r));
await sub.subscribeAsync('amsgate/v1/#', { qos: 1 });

const cfg = demoConfig(join(dir, 'data'));
const [charger, battery] = cfg.meters as [(typeof cfg.meters)[0], (typeof cfg.meters)[0]];
const sdm = await catalogEntry('sdm630').startSimulator({ listen: { tcp: '127.0.0.1:0' }, unit: 1, clock: tl.clock, profile: 'ev-charging', ratingW: 11_000 });
const pty = await openPtyPair();
const bl = catalogEntry('bl0942');
const line = bl.defaultLine!;
const blSim = await bl.startSimulator({ listen: { serial: pty.a, ...line }, clock: tl.clock, profile: 'battery', ratingW: 5000 });
const { simulate: _a, ...c } = charger;
const { simulate: _b, ...b } = battery;
const file = join(dir, 'gateway.json');
writeFileSync(file, JSON.stringify({
  ...cfg,
  meters: [{ ...c, connection: { tcp: sdm.address } }, { ...b, connection: { serial: pty.b, ...line } }],
  broker: { url: broker.url },
  ...(process.env.CONSOLE === '1' ? { console: { listen: '127.0.0.1', port: 0 } } : {}),
}));
if (process.env.CONSOLE === '1') await setConsolePassword(cfg.storePath, 'bench console password');

const proc = (pid: number) => {
  const io = Object.fromEntries(readFileSync(`/proc/${pid}/io`, 'utf8').trim().split('\n').map((l) => l.split(': ')));
  const st = readFileSync(`/proc/${pid}/status`, 'utf8');
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(st)?.[1] ?? 0) * 1024;
  return { write: Number(io.write_bytes ?? 0), rss: kb('VmRSS'), hwm: kb('VmHWM'), cpuTicks: Number(stat[11]) + Number(stat[12]) };
};

let out = '';
const child = spawnGateway(file, speed, tl.origin, (s) => (out += s));
await new Promise((r) => child.once('started', r));
await new Promise((r) => setTimeout(r, 3000)); // warm-up: drivers open, first readings
const consoleUrl = /installer console (http:\S+)/.exec(out)?.[1];
const client = consoleUrl ? await consoleClient(consoleUrl, 'bench console password') : null;
const p0 = proc(child.pid!);
const sim0 = tl.clock.now();
const realMs = (hours * 3_600_000) / speed;
// RSS sampled once a second: a single reading lands anywhere in the 30 s cycle of the gateway's forced GC.
const samples: number[] = [];
const sampler = setInterval(() => samples.push(proc(child.pid!).rss), 1000);
await new Promise((r) => setTimeout(r, realMs));
clearInterval(sampler);
const p1 = proc(child.pid!);
const late = samples.slice(Math.floor(samples.length / 2)).sort((a, b) => a - b);
const median = late[Math.floor(late.length / 2)] ?? p1.rss;
if (client) console.log(`installer console ${consoleUrl}: one client, ${client.events()} readings pushed by SSE`);
client?.close();
const simHours = (tl.clock.now() - sim0) / 3_600_000;
child.kill('SIGTERM');
await exited(child);
const polls = Math.round((simHours * 3_600_000) / cfg.pollIntervalMs) * cfg.meters.length;
const intervals = (out.match(/✔ interval/g) ?? []).length;
const errors = (out.match(/ error /g) ?? []).length;
const perDay = 24 / simHours;
const ticks = 100; // USER_HZ
console.log(`simulated ${simHours.toFixed(1)} h at ${speed}x in ${(realMs / 1000).toFixed(0)} s; ${intervals} intervals closed; ${errors} meter errors shown; ${received} MQTT messages received`);
console.log(`gateway RSS ${(median / 1048576).toFixed(1)} MB (median of ${late.length} samples, second half), last ${(p1.rss / 1048576).toFixed(1)} MB, peak ${(p1.hwm / 1048576).toFixed(1)} MB   target <= 100 MB`);
console.log(`gateway disk writes ${(((p1.write - p0.write) * perDay) / 1048576).toFixed(2)} MB per simulated day (block layer)   target <= 10 MB; store file ${(statSync(join(dir, 'data', STORE_FILE)).size / 1048576).toFixed(2)} MB`);
console.log(`gateway CPU ${((((p1.cpuTicks - p0.cpuTicks) / ticks) * 1000) / polls).toFixed(2)} ms per meter poll (${polls} polls scheduled; includes MQTT telemetry and the console)`);
if (process.env.SHOW_ERRORS) console.log(out.split('\n').filter((l) => / error |alarm/.test(l)).slice(0, 8).join('\n'));
await sdm.close();
await blSim.close();
await pty.close();
await sub.endAsync();
await broker.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
