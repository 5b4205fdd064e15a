// Fleet bench: N simulated gateways (each with its own key) publish signed intervals through Mosquitto into TWO
// collector processes sharing one subscription, storing into PostgreSQL. One collector is SIGKILLed part-way and
// restarted with the same client id. Prints records/s verified and stored, and checks nothing was lost or doubled.
//
//   npx tsx bench/fleet.ts [--devices 10000] [--per 10] [--alg ES256|EdDSA|mixed] [--kill-at 0.4]
//                          [--pg postgres://postgres@127.0.0.1:5432/test] [--batch 10000] [--inflight 25000]
//                          [--chain-auth on|off]
//
// By default it starts its own Mosquitto with the shipped head-end configuration (fixtures/mosquitto/head-end.conf) on
// a free loopback port, its in-flight window widened to --inflight. (It used a fixed port, 18883: a second bench on
// the machine then talked to the first one's broker, which the first bench stopped under it: the hang.) Device ids
// carry the run's id, so two runs on one broker never mix. Pass --broker mqtt://127.0.0.1:1883 to use a running broker.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import pg from 'pg';
import { PgStore } from '../host-cli/collector/pg-store.js';
import { newIdentity, SimDevice } from '../host-cli/collector/sim-device.js';
import { startHeadEndBroker } from '../test/system/collector/mosquitto.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}

const DEVICES = Number(arg('devices', '10000'));
const PER = Number(arg('per', '10'));
const ALG = arg('alg', 'ES256');
const KILL_AT = Number(arg('kill-at', '0.4'));
const PG_BASE = arg('pg', 'postgres://postgres@127.0.0.1:5432/test');
const BATCH = arg('batch', '10000');
const INFLIGHT = arg('inflight', '25000');
const CHAIN = arg('chain-auth', 'on') !== 'off';
const RUN = Date.now().toString(36);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const T0 = Date.parse('2026-06-01T00:00:00Z');

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const t = (): number => performance.now();

async function startBroker(): Promise<{ url: string; stop: () => Promise<void> }> {
  const given = arg('broker', '');
  if (given) return { url: given, stop: async () => undefined };
  // The shipped head-end configuration; only the in-flight window is widened so that a batch can hold several
  // records of one device (the chain then authenticates all but the newest of them).
  const b = await startHeadEndBroker({ max_inflight_messages: INFLIGHT });
  return { url: b.url, stop: b.stop };
}

interface CollectorLogStats { accepted: number; signatures: number; linked: number; batches: number; received: number }
const lastStats = new Map<ChildProcess, CollectorLogStats>();

function startCollector(broker: string, db: string, group: string, clientId: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [...(process.env.FLEET_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.FLEET_PROF] : []), '--import', 'tsx', join(root, 'host-cli', 'main.ts'), 'collect', '--broker', broker, '--db', db, '--group', group, '--client-id', clientId, '--json-log', '--batch', BATCH, ...(CHAIN ? [] : ['--no-chain-auth'])],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer): void => {
      buf += d.toString();
      if (buf.includes('"event":"started"')) {
        child.stdout!.off('data', onData);
        // Keep the latest stats line (every 10 s, and at a clean stop) for the verification counters.
        let rest = '';
        child.stdout!.on('data', (d2: Buffer) => {
          const lines = (rest + d2.toString()).split('\n');
          rest = lines.pop()!;
          for (const l of lines) if (l.includes('"event":"stats"') || l.includes('"event":"stopped"')) lastStats.set(child, JSON.parse(l) as CollectorLogStats);
        });
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`collector ${clientId} exited with ${code} before starting`)));
  });
}

async function main(): Promise<void> {
  const schema = `bench_fleet_${Date.now().toString(36)}`;
  const db = `${PG_BASE}?schema=${schema}`;
  console.log(`fleet bench: ${DEVICES} devices x ${PER} intervals = ${DEVICES * PER} records, alg ${ALG}, 2 collectors, kill one at ${Math.round(KILL_AT * 100)} %`);
  const broker = await startBroker();
  const store = new PgStore(db, 8);
  await store.init();
  const children: ChildProcess[] = [];
  try {
    let s = t();
    const devices: SimDevice[] = [];
    for (let i = 0; i < DEVICES; i++) {
      const alg = ALG === 'mixed' ? (i % 2 ? 'ES256' : 'EdDSA') : (ALG as 'ES256' | 'EdDSA');
      devices.push(new SimDevice(newIdentity(`fleet-${RUN}-${i.toString().padStart(5, '0')}`, alg)));
    }
    console.log(`keys generated: ${DEVICES} in ${((t() - s) / 1000).toFixed(1)} s`);
    s = t();
    const raw = new pg.Client({ connectionString: PG_BASE });
    await raw.connect();
    for (let i = 0; i < devices.length; i += 1000) {
      const part = devices.slice(i, i + 1000);
      const vals: unknown[] = [];
      const tuples = part.map((d, j) => {
        vals.push(d.device, d.identity.kid, d.identity.alg, JSON.stringify(d.identity.publicJwk), 0, 'bench', Date.now());
        return `(${[1, 2, 3, 4, 5, 6, 7].map((c) => `$${j * 7 + c}`).join(',')})`;
      });
      await raw.query(`INSERT INTO ${schema}.device_keys (device, kid, alg, jwk, valid_from, source, added_at) VALUES ${tuples.join(',')}`, vals);
    }
    await raw.end();
    console.log(`keys registered in ${((t() - s) / 1000).toFixed(1)} s`);
    s = t();
    const msgs: { topic: string; payload: string }[] = [];
    for (let k = 0; k < PER; k++) {
      for (const d of devices) msgs.push({ topic: `amsgate/v1/${d.device}/interval`, payload: d.interval({ start: T0 + k * 1800_000, energyWh: (k * 37) % 900 }).compact });
    }
    console.log(`records signed in advance: ${msgs.length} in ${((t() - s) / 1000).toFixed(1)} s (${Math.round(msgs.length / ((t() - s) / 1000))}/s), ${Math.round(msgs.reduce((n, m) => n + m.payload.length, 0) / msgs.length)} bytes each`);

    const group = `fleet${Date.now().toString(36)}`;
    const a = await startCollector(broker.url, db, group, `${group}-A`);
    const b = await startCollector(broker.url, db, group, `${group}-B`);
    children.push(a, b);
    // CPU spent starting up (TypeScript loading, key ring) is not per-record work: subtract it.
    const startupCpu = new Map<number | undefined, number>([[a.pid, cpuSeconds(a.pid)], [b.pid, cpuSeconds(b.pid)]]);
    const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: `${group}-pub` });
    const total = msgs.length;
    const killAt = Math.floor(total * KILL_AT);
    let killedAt = 0;
    let collectorCpu = 0;
    const load0 = loadavg()[0]!;
    let restarted: Promise<ChildProcess> | null = null;
    const start = t();
    let inflight = 0;
    let published = 0;
    for (let i = 0; i < total; i++) {
      while (inflight >= 1000) await sleep(1);
      inflight++;
      const m = msgs[i]!;
      pub.publishAsync(m.topic, m.payload, { qos: 1 }).then(
        () => { inflight--; published++; },
        (e: Error) => { inflight--; console.error(`publish failed: ${e.message}`); },
      );
      if (i === killAt) {
        collectorCpu += cpuSeconds(a.pid) - (startupCpu.get(a.pid) ?? 0);
        a.kill('SIGKILL');
        killedAt = t() - start;
        restarted = sleep(2000).then(() => startCollector(broker.url, db, group, `${group}-A`));
      }
    }
    // Bounded: a publish that is never acknowledged is reported, not waited for for ever.
    const pubDeadline = t() + 120_000;
    while (inflight > 0 && t() < pubDeadline) await sleep(5);
    if (inflight > 0) console.log(`${inflight} publishes still unacknowledged after 120 s (broker gone?)`);
    const pubDone = t() - start;
    if (restarted) {
      const r = await restarted;
      startupCpu.set(r.pid, cpuSeconds(r.pid));
      children.push(r);
    }
    let stored = 0;
    const deadline = t() + 600_000;
    let lastPrint = 0;
    let at10 = 0;
    let at90 = 0;
    while (t() < deadline) {
      const c = await store.counts();
      stored = c.intervals;
      if (!at10 && stored >= total * 0.1) at10 = t();
      if (!at90 && stored >= total * 0.9) at90 = t();
      if (t() - lastPrint > 5000) {
        console.log(`  ... ${stored} stored after ${((t() - start) / 1000).toFixed(1)} s`);
        lastPrint = t();
      }
      if (stored >= total) break;
      await sleep(100);
    }
    const allStored = t() - start;
    for (const c of children) if (c !== a) collectorCpu += cpuSeconds(c.pid) - (startupCpu.get(c.pid) ?? 0);
    const load1 = loadavg()[0]!;
    const counts = await store.counts();
    const chain = await store.chainReport();
    const dupRows = await store.intervals({}).then((rows) => rows.length);
    console.log('');
    console.log(`published ${published} in ${(pubDone / 1000).toFixed(1)} s (${Math.round(published / (pubDone / 1000))}/s); collector A killed at ${(killedAt / 1000).toFixed(1)} s and restarted 2 s later`);
    console.log(`stored ${counts.intervals} of ${total} in ${(allStored / 1000).toFixed(1)} s => ${Math.round(counts.intervals / (allStored / 1000))} records/s verified and stored (end to end, incl. the kill and 2 s restart)`);
    if (at10 && at90 > at10) console.log(`steady state (10 % -> 90 % stored): ${Math.round((total * 0.8) / ((at90 - at10) / 1000))} records/s`);
    console.log(`collector CPU ${collectorCpu.toFixed(1)} s in all => ${Math.round(counts.intervals / collectorCpu)} records per collector CPU-second (verify + store, start-up excluded; PostgreSQL's own CPU not included)`);
    console.log(`load average (1 min) at start ${load0.toFixed(1)}, at end ${load1.toFixed(1)} on ${(await import('node:os')).cpus().length} cores (other work on the machine shares them)`);
    console.log(`lost ${total - counts.intervals}, rows ${dupRows} (doubled ${dupRows - counts.intervals}), duplicates absorbed ${counts.duplicates}, rejections ${JSON.stringify(counts.rejections)}, chain gaps ${chain.gaps.length}, breaks ${chain.breaks.length}`);
    for (const c of children) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await gone;
    }
    const st = [...lastStats.values()];
    const sum = (k: keyof CollectorLogStats): number => st.reduce((n, x) => n + (x[k] ?? 0), 0);
    console.log(`verification (surviving processes): ${sum('signatures')} signatures verified, ${sum('linked')} records authenticated by their successor's hash, ${sum('batches')} batches (mean ${Math.round(sum('received') / Math.max(1, sum('batches')))} messages)`);
    console.log(counts.intervals === total && dupRows === total && chain.gaps.length === 0 ? 'RESULT: nothing lost, nothing doubled' : 'RESULT: MISMATCH');
    await pub.endAsync();
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await sleep(500);
    await store.dropSchema().catch(() => undefined);
    await store.close();
    await broker.stop();
  }
}

await main();
