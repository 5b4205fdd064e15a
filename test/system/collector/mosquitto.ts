// A private Mosquitto on a free loopback port, configured by the head-end configuration amsgate ships
// (fixtures/mosquitto/head-end.conf): only the listener, the persistence directory and the given overrides change.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';

export const HEAD_END_CONF = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures', 'mosquitto', 'head-end.conf');

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

type Broker = { url: string; conf: string; pid: number | undefined; stop: () => Promise<void> };

/**
 * Starts mosquitto; `overrides` replace (or add) options of the shipped file, e.g. { max_queued_messages: '1000' }.
 * A port taken between the probe and the bind (other engineers' tests) is retried on another one.
 */
export async function startHeadEndBroker(overrides: Record<string, string> = {}): Promise<Broker> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(overrides);
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}

async function startOnce(overrides: Record<string, string>): Promise<Broker> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-mosq-'));
  const set: Record<string, string> = { listener: `${port} 127.0.0.1`, persistence_location: `${dir}/`, ...overrides };
  // Only our own Mosquitto's "running" line proves the port is ours: another engineer's broker could answer on it.
  const seen = new Set<string>();
  const lines = readFileSync(HEAD_END_CONF, 'utf8').split('\n').map((l) => {
    const k = /^([a-z_]+)\s/.exec(l)?.[1];
    if (k && k in set) {
      seen.add(k);
      return `${k} ${set[k]}`;
    }
    return l;
  });
  for (const [k, v] of Object.entries(set)) if (!seen.has(k)) lines.push(`${k} ${v}`);
  lines.push('log_type information');
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, lines.join('\n'));
  const child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const running = new Promise<boolean>((resolve) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-8192);
      if (/ running\b/.test(stderr)) resolve(true);
    });
    child.once('exit', () => resolve(false));
  });
  const url = `mqtt://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  let timer: NodeJS.Timeout | undefined;
  const ours = await Promise.race([running, new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 15_000)))]);
  clearTimeout(timer);
  if (ours) {
    try {
      const c = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000 }, false);
      await c.endAsync();
      return { url, conf, pid: child.pid, stop };
    } catch (e) {
      // Not left running for the retry to start another one beside it.
      await stop();
      throw e;
    }
  }
  await stop();
  throw new Error(`mosquitto did not start on ${url}: ${stderr.trim()}`);
}
