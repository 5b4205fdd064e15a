// Shared parts of the gateway system tests: a simulated meter on a shared timeline, gateway child processes,
// and a head-end subscriber on the real Mosquitto that checks what arrived.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import { scaledClock, type Clock } from '../../../drivers/clock.js';
import { recordHash, decodeCompactUnverified } from '../../../device/signing/jws.js';
import type { SignedRecordPayload, IntervalRecord } from '../../../device/records/record-types.js';

export const BROKER = 'mqtt://127.0.0.1:1883';
export const ROOT = join(import.meta.dirname, '..', '..', '..');

export interface Timeline {
  clock: Clock;
  origin: string;
}

export function timeline(speed: number, simStartMs: number): Timeline {
  const realMs = Date.now();
  const clock = scaledClock(speed, simStartMs);
  return { clock, origin: `${realMs}:${simStartMs}` };
}

export function writeConfig(dir: string, deviceId: string, simPort: number, extra: Record<string, unknown> = {}): string {
  const path = join(dir, 'gateway.json');
  writeFileSync(
    path,
    JSON.stringify({
      deviceId,
      meters: [
        {
          id: 'charger', model: 'sdm630', connection: { tcp: `127.0.0.1:${simPort}` }, unit: 1, serial: 'SIM630-CRASH',
          amsid: { import: '2000000000015' }, role: 'charger', phases: 3, ratedVoltageV: 230, ratedCurrentA: 5, maxCurrentA: 100,
        },
      ],
      pollIntervalMs: 60_000,
      persistIntervalMs: 300_000,
      closeAfterMs: 120_000,
      maxGapMs: 300_000,
      broker: { url: BROKER, clientId: `gw-${deviceId}` },
      storePath: join(dir, 'data'),
      ...extra,
    }),
  );
  return path;
}

let bundled: string | null | undefined;

/** Bundles gateway-child.ts with esbuild (tsx's own transformer) into node_modules/.cache; null if unavailable. */
export function bundleGateway(): string | null {
  if (bundled !== undefined) return bundled;
  try {
    const esbuild = createRequire(import.meta.url)('esbuild') as { buildSync(o: object): unknown };
    const dir = join(ROOT, 'node_modules', '.cache', 'amsgate-test');
    mkdirSync(dir, { recursive: true });
    const out = join(dir, `gateway-child-${process.pid}.mjs`);
    esbuild.buildSync({
      entryPoints: [join(ROOT, 'test', 'system', 'gateway', 'gateway-child.ts')],
      bundle: true, platform: 'node', format: 'esm', packages: 'external', target: 'node20', outfile: out, logLevel: 'error',
    });
    bundled = existsSync(out) ? out : null;
  } catch {
    bundled = null;
  }
  return bundled;
}

export function spawnGateway(config: string, speed: number, origin: string, log?: (s: string) => void, env: Record<string, string> = {}): ChildProcess {
  const entry = bundleGateway();
  // The flag the installed `amsgate` command carries in its shebang (host-cli/main.ts): a small young generation.
  const args = ['--max-semi-space-size=1', ...(entry ? [entry, 'run'] : ['--import', 'tsx', join(ROOT, 'host-cli', 'main.ts'), 'run'])];
  const child = spawn(
    process.execPath,
    [...args, '--config', config, '--speed', String(speed), '--time-origin', origin, '--quiet'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  child.stdout!.on('data', (c: Buffer) => {
    const text = c.toString();
    if (text.includes('amsgate gateway')) child.emit('started');
    log?.(text);
  });
  child.stderr!.on('data', (c: Buffer) => log?.(c.toString()));
  return child;
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

/** A head-end: persistent session, QoS 1, keeps every record it receives. */
export class HeadEnd {
  readonly received: { compact: string; payload: SignedRecordPayload }[] = [];
  private constructor(readonly client: MqttClient) {}
  static async start(deviceId: string): Promise<HeadEnd> {
    const client = connect(BROKER, { clientId: `headend-${deviceId}`, clean: false, protocolVersion: 4, reconnectPeriod: 200 });
    const h = new HeadEnd(client);
    client.on('message', (topic, p) => {
      if (!topic.endsWith('/interval') && !topic.endsWith('/alarm')) return;
      const compact = p.toString();
      h.received.push({ compact, payload: decodeCompactUnverified(compact).payload as SignedRecordPayload });
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync([`amsgate/v1/${deviceId}/interval`, `amsgate/v1/${deviceId}/alarm`], { qos: 1 });
    return h;
  }
  maxSeq(): number {
    return this.received.reduce((m, r) => Math.max(m, r.payload.seq), 0);
  }
  async close(): Promise<void> {
    await this.client.endAsync();
  }
}

export interface Verdict {
  records: number;
  duplicatesOnWire: number;
  intervals: IntervalRecord[];
  problems: string[];
}

/** Checks chain completeness, id uniqueness and interval continuity of everything received. */
export function judge(received: { compact: string; payload: SignedRecordPayload }[], periodMs: number): Verdict {
  const problems: string[] = [];
  const byId = new Map<string, string>();
  const bySeq = new Map<number, { compact: string; payload: SignedRecordPayload }>();
  let dups = 0;
  for (const r of received) {
    const prev = byId.get(r.payload.id);
    if (prev !== undefined) {
      dups++;
      if (prev !== r.compact) problems.push(`two different records with id ${r.payload.id}`);
    } else byId.set(r.payload.id, r.compact);
    const s = bySeq.get(r.payload.seq);
    if (s && s.compact !== r.compact && s.payload.type !== 'interval') problems.push(`two different records with seq ${r.payload.seq}`);
    if (!s) bySeq.set(r.payload.seq, r);
  }
  const max = Math.max(0, ...bySeq.keys());
  for (let q = 1; q <= max; q++) {
    const r = bySeq.get(q);
    if (!r) {
      problems.push(`record seq ${q} never arrived`);
      continue;
    }
    const before = bySeq.get(q - 1);
    if (q > 1 && before && r.payload.prev !== recordHash(before.compact)) problems.push(`seq ${q} does not link to seq ${q - 1}`);
  }
  // Latest revision per period; periods contiguous; registers continuous.
  const latest = new Map<string, IntervalRecord>();
  for (const [, compact] of byId) {
    const p = decodeCompactUnverified(compact).payload as SignedRecordPayload;
    if (p.type !== 'interval') continue;
    const k = `${p.meter.id}/${p.channel}/${p.period.resolution}/${p.period.start}`;
    const cur = latest.get(k);
    if (!cur || p.revision > cur.revision) latest.set(k, p);
  }
  const intervals = [...latest.values()].sort((a, b) => Date.parse(a.period.start) - Date.parse(b.period.start));
  for (let i = 1; i < intervals.length; i++) {
    const a = intervals[i - 1]!;
    const b = intervals[i]!;
    if (Date.parse(b.period.start) - Date.parse(a.period.start) !== periodMs) problems.push(`periods ${a.period.start} -> ${b.period.start} not contiguous`);
    if (a.register.end !== b.register.start) problems.push(`register jumps from ${a.register.end} to ${b.register.start} at ${b.period.start}`);
  }
  return { records: byId.size, duplicatesOnWire: dups, intervals, problems };
}
