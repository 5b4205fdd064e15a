// Fleet bench: N simulated gateways (each with its own key) publish signed intervals through Mosquitto into TWO
// collector processes sharing one subscription, storing into PostgreSQL (or SQLite). One collector is SIGKILLed
// part-way and restarted with the same client id. Prints records/s verified and stored, where the CPU went, and
// checks nothing was lost or doubled.
//
//   npx tsx bench/fleet.ts [--devices 10000] [--per 10] [--alg ES256|EdDSA|mixed] [--kill-at 0.4] [--store postgres|sqlite]
//                          [--pg postgres://postgres@127.0.0.1:5432/test] [--batch 25000] [--max-wait 1000] [--inflight 60000]
//                          [--chain-auth on|off] [--broker URL] [--cli built|tsx] [--adopt [--adopt-after 10]]
//
// The collectors run as docs/collector.md "Running a collector" starts them (`--cli built`, the default: `npm run
// build` first, then node --max-semi-space-size=32 dist/host-cli/main.js; FLEET_NODE_ARGS replaces the node options);
// `--cli tsx` runs them from the sources, whose start-up (compiling the CLI) delays the killed member's restart.
//
// Its own Mosquitto runs the shipped head-end configuration (fixtures/mosquitto/head-end.conf) on a free loopback
// port, in-flight window widened to --inflight. Progress is timed by the collectors' own "batch" log lines (each
// written after its transaction committed); the database is counted only to confirm the end (a COUNT over the
// records table every 100 ms cost PostgreSQL about half a core). Every wait is bounded and a watchdog names the
// phase the bench is in, so a stall is reported, never waited on for ever (docs/collector.md "Scaling").
import { execFileSync, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { newIdentity, SimDevice } from '../host-cli/collector/sim-device.js';
import { spawnCollector, stopCollector } from '../test/helpers/collector-process.js';
import { startHeadEndBroker } from '../test/system/collector/mosquitto.js';
import { openBenchStore } from './lib/fleet-store.js';
import { publishPacket, rawPublisher } from './lib/raw-publisher.js';
import { CpuLedger, cpuSeconds, lockWaits, ownCpuSeconds, pgBackendCpu } from './lib/proc-cpu.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}

const DEVICES = Number(arg('devices', '10000'));
const PER = Number(arg('per', '10'));
const ALG = arg('alg', 'ES256');
const KILL_AT = Number(arg('kill-at', '0.4'));
const STORE = arg('store', 'postgres') as 'postgres' | 'sqlite';
const PG_BASE = arg('pg', 'postgres://postgres@127.0.0.1:5432/test');
const BATCH = arg('batch', '25000');
const MAX_WAIT = arg('max-wait', '1000');
const INFLIGHT = arg('inflight', '60000');
const CHAIN = arg('chain-auth', 'on') !== 'off';
const ADOPT = process.argv.includes('--adopt');
const CLI = arg('cli', 'built') === 'tsx' ? 'tsx' : 'built';
const RUN = Date.now().toString(36);
const T0 = Date.parse('2026-06-01T00:00:00Z');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const t = (): number => performance.now();
const s1 = (ms: number): string => (ms / 1000).toFixed(1);

/** Bounded wait for a condition; throws naming what did not happen. */
async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string, every = 5): Promise<void> {
  const end = t() + ms;
  while (!(await cond())) {
    if (t() > end) throw new Error(`bench: gave up after ${s1(ms)} s waiting for ${what}`);
    await sleep(every);
  }
}

/** `p`, or an error naming `what` after `ms` (the timer does not outlive it). */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_r, reject) => (timer = setTimeout(() => reject(new Error(`bench: ${what} within ${s1(ms)} s`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

let phase = 'start';
let phaseAt = t();
const enter = (p: string): void => {
  phase = p;
  phaseAt = t();
};

interface Stats { accepted: number; signatures: number; linked: number; batches: number; received: number; duplicates: number }

async function main(): Promise<void> {
  console.log(`fleet bench: ${DEVICES} devices x ${PER} intervals = ${DEVICES * PER} records, alg ${ALG}, store ${STORE}, 2 collectors (--batch ${BATCH}, --max-wait ${MAX_WAIT}, in-flight ${INFLIGHT}, chain ${CHAIN ? 'on' : 'off'}${ADOPT ? ', --adopt' : ''}, node ${process.env.FLEET_NODE_ARGS ?? '--max-semi-space-size=32'}${CLI === 'tsx' ? ', from the sources' : ''}), kill one at ${Math.round(KILL_AT * 100)} %`);
  if (CLI === 'built') {
    enter('building the CLI');
    const b0 = t();
    execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
    console.log(`CLI built (npm run build) in ${s1(t() - b0)} s; collectors run dist/host-cli/main.js`);
  }
  enter('starting mosquitto');
  const given = arg('broker', '');
  const broker = given ? { url: given, pid: undefined, stop: async () => undefined } : await startHeadEndBroker({ max_inflight_messages: INFLIGHT });
  enter('opening the store');
  const bs = await openBenchStore(STORE, PG_BASE, RUN);
  const children: ChildProcess[] = [];
  try {
    enter('generating keys');
    let s = t();
    const devices: SimDevice[] = [];
    for (let i = 0; i < DEVICES; i++) {
      const alg = ALG === 'mixed' ? (i % 2 ? 'ES256' : 'EdDSA') : (ALG as 'ES256' | 'EdDSA');
      devices.push(new SimDevice(newIdentity(`fleet-${RUN}-${i.toString().padStart(5, '0')}`, alg)));
    }
    console.log(`keys generated: ${DEVICES} in ${s1(t() - s)} s`);
    enter('registering keys');
    s = t();
    await bs.registerKeys(devices.map((d) => ({ device: d.device, kid: d.identity.kid, alg: d.identity.alg, jwk: d.identity.publicJwk, validFrom: 0, validTo: null, source: 'bench', addedAt: Date.now() })));
    console.log(`keys registered in ${s1(t() - s)} s`);
    enter('signing records');
    s = t();
    const msgs: { topic: string; payload: string }[] = [];
    for (let k = 0; k < PER; k++) {
      for (const d of devices) msgs.push({ topic: `amsgate/v1/${d.device}/interval`, payload: d.interval({ start: T0 + k * 1800_000, energyWh: (k * 37) % 900 }).compact });
    }
    console.log(`records signed in advance: ${msgs.length} in ${s1(t() - s)} s (${Math.round(msgs.length / ((t() - s) / 1000))}/s), ${Math.round(msgs.reduce((n, m) => n + m.payload.length, 0) / msgs.length)} bytes each`);

    // Encoded before the clock starts, like the signatures: the gateways' work is not the collectors'. Packet ids
    // cycle; at most 1000 are unacknowledged at a time.
    const packets = msgs.map((m, i) => publishPacket(m.topic, m.payload, (i % 65535) + 1));

    // Commit times: each "batch" line is written after its transaction committed.
    const total = msgs.length;
    let storedByEvents = 0;
    let start = 0;
    const reached: Record<'p10' | 'p90' | 'all', number> = { p10: 0, p90: 0, all: 0 };
    const last = new Map<ChildProcess, Stats>();
    const group = `fleet${RUN}`;
    const collectorArgs = ['--batch', BATCH, '--max-wait', MAX_WAIT, ...(CHAIN ? [] : ['--no-chain-auth']), ...(ADOPT ? ['--adopt', '--adopt-after', arg('adopt-after', '10')] : [])];
    // As docs/collector.md "Running a collector" starts it; FLEET_NODE_ARGS replaces these options.
    const nodeArgs = [...(process.env.FLEET_NODE_ARGS ?? '--max-semi-space-size=32').split(' ').filter(Boolean), ...(process.env.FLEET_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.FLEET_PROF] : [])];
    // `tag` names the process's database sessions; the client id stays the member's (the restart reuses A's).
    const launch = async (member: string, tag = member): Promise<ChildProcess> => {
      let child: ChildProcess | null = null;
      child = await spawnCollector({
        broker: broker.url, db: bs.dbFor(tag), group, clientId: `${group}-${member}`, args: collectorArgs, nodeArgs, cli: CLI,
        onEvent: (e) => {
          if (process.env.FLEET_TRACE && e.event !== 'rejected') console.log(`  [${s1(t() - start)} s ${tag}] ${JSON.stringify(e)}`);
          if (e.event === 'batch') {
            storedByEvents += Number(e.accepted);
            const now = t() - start;
            if (!reached.p10 && storedByEvents >= total * 0.1) reached.p10 = now;
            if (!reached.p90 && storedByEvents >= total * 0.9) reached.p90 = now;
            if (!reached.all && storedByEvents >= total) reached.all = now;
          } else if ((e.event === 'stats' || e.event === 'stopped') && child) last.set(child, e as unknown as Stats);
        },
      });
      if (process.env.FLEET_TRACE) console.log(`  [${s1(t() - start)} s ${tag}] started (pid ${child.pid})`);
      return child;
    };
    enter('starting collectors');
    const a = await launch('A');
    const b = await launch('B');
    children.push(a, b);
    // CPU spent starting up (TypeScript loading, key ring) is not per-record work: subtract it.
    const startupCpu = new Map<number | undefined, number>([[a.pid, cpuSeconds(a.pid)], [b.pid, cpuSeconds(b.pid)]]);
    const pgCpu = new CpuLedger();
    const pgPrefix = `fleet-${RUN}-`;
    const samplePg = async (): Promise<void> => {
      if (bs.kind === 'postgres') pgCpu.note(await pgBackendCpu(PG_BASE, pgPrefix));
    };
    await samplePg();
    const pgAtStart = pgCpu.total;
    const mosqAtStart = cpuSeconds(broker.pid);
    const benchAtStart = ownCpuSeconds();
    enter('connecting the publisher');
    const pub = await within(rawPublisher(broker.url, `${group}-pub`), 30_000, 'the publisher could not connect');
    const killAt = Math.floor(total * KILL_AT);
    let killedAt = 0;
    let collectorCpu = 0;
    const load0 = loadavg()[0]!;
    let restarted = null as Promise<ChildProcess> | null;
    enter('publishing');
    start = t();
    let killing: Promise<void> | null = null;
    const sent = pub.send(packets, 1000, (i) => {
      if (i !== killAt) return;
      killing = samplePg().then(() => {
        collectorCpu += cpuSeconds(a.pid) - (startupCpu.get(a.pid) ?? 0);
        a.kill('SIGKILL');
        killedAt = t() - start;
        restarted = sleep(2000).then(() => launch('A', 'A2'));
      });
    });
    await within(sent, 300_000, 'not every PUBACK came back');
    await killing;
    const published = total;
    const pubDone = t() - start;
    enter('restarting collector A');
    if (restarted) {
      const r = await restarted;
      startupCpu.set(r.pid, cpuSeconds(r.pid));
      children.push(r);
    }
    enter('waiting until every record is stored');
    let confirmed = 0;
    let lastDbCheck = 0;
    let lastPrint = 0;
    const deadline = t() + 600_000;
    while (t() < deadline) {
      const now = t();
      if (now - lastPrint > 5000) {
        console.log(`  ... ${storedByEvents} committed after ${s1(now - start)} s`);
        lastPrint = now;
        await samplePg();
      }
      // The database decides; it is asked when the collectors' lines say all is in, or every 2 s (a line can be
      // lost: the killed collector may commit and die before writing it).
      if (storedByEvents >= total || now - lastDbCheck > 2000) {
        lastDbCheck = now;
        if ((await bs.stored()) >= total) {
          confirmed = reached.all || t() - start;
          break;
        }
      }
      await sleep(20);
    }
    await samplePg();
    const allStored = confirmed || t() - start;
    // A's CPU was taken when it was killed; without a kill (--kill-at above 1) it is counted here like the others.
    for (const c of children) if (c !== a || !killedAt) collectorCpu += cpuSeconds(c.pid) - (startupCpu.get(c.pid) ?? 0);
    const mosqCpu = cpuSeconds(broker.pid) - mosqAtStart;
    const benchCpu = ownCpuSeconds() - benchAtStart;
    const pgUsed = pgCpu.total - pgAtStart;
    const load1 = loadavg()[0]!;
    enter('checking the store');
    const counts = await bs.store.counts();
    const chain = await bs.store.chainReport();
    const dupRows = await bs.store.intervals({}).then((rows) => rows.length);
    const n = counts.intervals;
    console.log('');
    console.log(`published ${published} in ${s1(pubDone)} s (${Math.round(published / (pubDone / 1000))}/s); ${killedAt ? `collector A killed at ${s1(killedAt)} s and restarted 2 s later` : 'no collector killed'}`);
    console.log(`stored ${n} of ${total} in ${s1(allStored)} s => ${Math.round(n / (allStored / 1000))} records/s verified and stored (end to end, incl. the kill and 2 s restart)`);
    if (reached.p10 && reached.p90 > reached.p10) console.log(`steady state (10 % -> 90 % stored): ${Math.round((total * 0.8) / ((reached.p90 - reached.p10) / 1000))} records/s`);
    const us = (sec: number): string => `${sec.toFixed(1)} s (${Math.round((sec * 1e6) / Math.max(1, n))} us/record)`;
    console.log(`CPU while running: collectors ${us(collectorCpu)} [start-up excluded], ${bs.kind === 'postgres' ? `PostgreSQL (their sessions) ${us(pgUsed)}, ` : ''}mosquitto ${us(mosqCpu)}, bench (publisher, polls) ${us(benchCpu)}; sum ${us(collectorCpu + pgUsed + mosqCpu + benchCpu)}`);
    console.log(`load average (1 min) at start ${load0.toFixed(1)}, at end ${load1.toFixed(1)} on ${cpus().length} cores (other work on the machine shares them)`);
    console.log(`lost ${total - n}, rows ${dupRows} (doubled ${dupRows - n}), duplicates absorbed ${counts.duplicates}, rejections ${JSON.stringify(counts.rejections)}, chain gaps ${chain.gaps.length}, breaks ${chain.breaks.length}`);
    enter('stopping collectors');
    for (const c of children) if ((await stopCollector(c)) === 'killed') console.log(`collector pid ${c.pid} did not stop within 30 s of SIGTERM: killed`);
    if (killedAt) last.delete(a);
    const st = [...last.values()];
    const sum = (k: keyof Stats): number => st.reduce((x, y) => x + (y[k] ?? 0), 0);
    console.log(`verification (surviving processes): ${sum('signatures')} signatures verified, ${sum('linked')} records authenticated by their successor's hash, ${sum('batches')} batches (mean ${Math.round(sum('received') / Math.max(1, sum('batches')))} messages)`);
    console.log(n === total && dupRows === total && chain.gaps.length === 0 ? 'RESULT: nothing lost, nothing doubled' : 'RESULT: MISMATCH');
    pub.close();
    if (n !== total || dupRows !== total) process.exitCode = 1;
  } finally {
    enter('cleaning up');
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await bs.cleanup().catch(() => undefined);
    await broker.stop();
  }
}

// A stall is reported with the phase it happened in; after 15 minutes in all, the bench gives up (exit 3).
const began = t();
const watchdog = setInterval(() => {
  if (t() - phaseAt > 30_000) {
    console.log(`  [watchdog] still "${phase}" after ${s1(t() - phaseAt)} s`);
    void lockWaits(PG_BASE).then((w) => w && console.log(`  [watchdog] PostgreSQL sessions waiting for a lock: ${w}`), () => undefined);
  }
  if (t() - began > 15 * 60_000) {
    console.error(`bench: stalled in "${phase}"; giving up after 15 min`);
    process.exit(3);
  }
}, 30_000);
watchdog.unref();
try {
  await main();
} catch (e) {
  console.error(`bench failed in "${phase}": ${(e as Error).message}`);
  process.exitCode = 3;
}
