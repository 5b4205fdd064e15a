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

/** Starts mosquitto; `overrides` replace (or add) options of the shipped file, e.g. { max_queued_messages: '1000' }. */
export async function startHeadEndBroker(overrides: Record<string, string> = {}): Promise<{ url: string; conf: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-mosq-'));
  const set: Record<string, string> = { listener: `${port} 127.0.0.1`, persistence_location: `${dir}/`, ...overrides };
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
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, lines.join('\n'));
  const child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => void (stderr += d.toString()));
  const url = `mqtt://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    try {
      const c = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 500 });
      await c.endAsync();
      return { url, conf, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await stop();
  throw new Error(`mosquitto did not start on ${url}: ${stderr.trim()}`);
}
