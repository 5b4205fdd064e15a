// One `amsgate collect` daemon as a child process, for the system kill test and the fleet bench: spawned with
// --json-log, resolved once it logs "started", every later JSON log line handed to `onEvent`.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CollectorProcessOptions {
  broker: string;
  db: string;
  group: string;
  clientId: string;
  /** Further `collect` options, e.g. ['--batch', '10000']. */
  args?: string[];
  /** Options for node itself, e.g. ['--cpu-prof', '--cpu-prof-dir', DIR]. */
  nodeArgs?: string[];
  /** Every JSON log line after "started" (stats, batch, rejected, stopped, ...). */
  onEvent?: (e: Record<string, unknown>) => void;
  /** How long to wait for "started" before killing the child and failing (default 60 s). */
  startTimeoutMs?: number;
  /** 'built': the installed command (dist/host-cli/main.js, after `npm run build`); default 'tsx', the sources. */
  cli?: 'tsx' | 'built';
}

/** Resolves with the running child; rejects (child killed) if it exits or stays silent before "started". */
export function spawnCollector(o: CollectorProcessOptions): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [...(o.nodeArgs ?? []), ...(o.cli === 'built' ? [join(ROOT, 'dist', 'host-cli', 'main.js')] : ['--import', 'tsx', join(ROOT, 'host-cli', 'main.ts')]), 'collect', '--broker', o.broker, '--db', o.db,
      '--group', o.group, '--client-id', o.clientId, '--json-log', ...(o.args ?? [])],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let started = false;
    let rest = '';
    let head = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`collector ${o.clientId} did not log "started" within ${o.startTimeoutMs ?? 60_000} ms: ${head}`));
    }, o.startTimeoutMs ?? 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      const lines = (rest + d.toString()).split('\n');
      rest = lines.pop()!;
      for (const l of lines) {
        if (!started) {
          head = (head + l + '\n').slice(-4096);
          if (l.includes('"event":"started"')) {
            started = true;
            clearTimeout(timer);
            resolve(child);
          }
          continue;
        }
        if (o.onEvent && l.startsWith('{')) {
          try {
            o.onEvent(JSON.parse(l) as Record<string, unknown>);
          } catch {
            // not a log line of ours: ignore
          }
        }
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!started) reject(new Error(`collector ${o.clientId} exited with ${code ?? signal} before starting: ${head}`));
    });
  });
}

/** SIGTERM, and resolves when the child has exited (at once if it already has); SIGKILL after `graceMs`. */
export async function stopCollector(child: ChildProcess, graceMs = 30_000): Promise<'stopped' | 'killed'> {
  if (child.exitCode !== null || child.signalCode !== null) return 'stopped';
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const how = await Promise.race([gone.then(() => 'stopped' as const), new Promise<'killed'>((r) => (timer = setTimeout(() => r('killed'), graceMs)))]);
  clearTimeout(timer);
  if (how === 'killed') {
    child.kill('SIGKILL');
    await gone;
  }
  return how;
}
