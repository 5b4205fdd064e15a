// Harness of the end-to-end system test: temporary folders, `amsgate` child processes with their output
// captured, waiting for conditions with time limits, the real Mosquitto's availability, golden-file comparison.
// Nothing here knows the pipeline; pipeline.test.ts composes it.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import mqtt from 'mqtt';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const MAIN = join(ROOT, 'host-cli', 'main.ts');
export const BROKER_HOST = '127.0.0.1';
/** The broker port: the system Mosquitto's 1883, or a private Mosquitto's (startPrivateMosquitto). */
let brokerPort = 1883;
export const brokerUrl = (): string => `mqtt://${BROKER_HOST}:${brokerPort}`;

/** A temporary folder removed by cleanup() (kept when E2E_KEEP=1, for post-mortems). */
export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    cleanup: () => {
      if (process.env.E2E_KEEP === '1') process.stderr.write(`e2e: kept ${dir}\n`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Polls `cond` until it returns a truthy value; throws with `what` and the last error after `timeoutMs`. */
export async function waitFor<T>(what: string, cond: () => T | Promise<T>, timeoutMs: number, everyMs = 100): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  let lastErr: unknown = null;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() >= until) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? ` (last error: ${(lastErr as Error).message})` : ''}`);
    }
    await sleep(everyMs);
  }
}

async function listening(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = netConnect({ host: BROKER_HOST, port });
    const t = setTimeout(() => {
      s.destroy();
      resolve(false);
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(t);
      s.end();
      resolve(true);
    });
    s.once('error', () => {
      clearTimeout(t);
      resolve(false);
    });
  });
}

/** Fails with an explicit message when nothing listens on 127.0.0.1:1883 (or the private broker's port). */
export async function requireMosquitto(timeoutMs = 2000): Promise<void> {
  if (!(await listening(brokerPort, timeoutMs))) {
    throw new Error(
      `Mosquitto is not listening on ${BROKER_HOST}:${brokerPort}. This system test needs the real broker: ` +
        'install it (apt-get install mosquitto) and start it (mosquitto -d, or .ci/run which starts it), then run again.',
    );
  }
}

/**
 * Starts a private Mosquitto (the same Debian binary) on a free 127.0.0.1 port, for runs on a machine where other
 * tests flood the shared broker; the pipeline then uses it instead of 1883. Returns a stop function.
 */
export async function startPrivateMosquitto(dir: string): Promise<() => Promise<void>> {
  const port = await new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, BROKER_HOST, () => {
      const p = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
  const conf = join(dir, 'mosquitto.conf');
  // Logs go to stderr: started as root, Mosquitto drops to user mosquitto and could not write a log file here.
  writeFileSync(conf, `listener ${port} ${BROKER_HOST}\nallow_anonymous true\npersistence false\nlog_dest stderr\nmax_queued_messages 100000\n`);
  const child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  child.once('error', (e) => (log += `spawn error: ${e.message}`));
  try {
    await waitFor(`private mosquitto on port ${port}`, () => listening(port, 500), 10_000, 100);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}\n${log}`);
  }
  brokerPort = port;
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const done = new Promise((r) => child.once('close', r));
      child.kill('SIGTERM');
      await done;
    }
    brokerPort = 1883;
  };
}

/** Removes a persistent MQTT session from the broker (MQTT 5 clean start with session expiry 0). */
export async function dropSession(clientId: string): Promise<void> {
  const c = await mqtt.connectAsync(brokerUrl(), { clientId, clean: true, protocolVersion: 5, properties: { sessionExpiryInterval: 0 }, reconnectPeriod: 0, connectTimeout: 5000 });
  await c.endAsync();
}

let logDir: string | null = null;

/** Child output is also appended to <dir>/<name>.log from now on (kept with E2E_KEEP=1 for post-mortems). */
export function setLogDir(dir: string | null): void {
  logDir = dir;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running `amsgate` child process; stdout and stderr are accumulated (and echoed with E2E_VERBOSE=1). */
export class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<CliResult>;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const echo = process.env.E2E_VERBOSE === '1';
    const file = logDir ? join(logDir, `${name.replace(/[^A-Za-z0-9_-]+/g, '_')}.log`) : null;
    const save = (tag: string, text: string): void => {
      if (file) appendFileSync(file, prefixLines(tag, text));
    };
    child.stdout!.on('data', (c: Buffer) => {
      this.stdout += c.toString();
      save('>', c.toString());
      if (echo) process.stderr.write(prefixLines(`${name}>`, c.toString()));
      for (const l of this.listeners) l();
    });
    child.stderr!.on('data', (c: Buffer) => {
      this.stderr += c.toString();
      save('!', c.toString());
      if (echo) process.stderr.write(prefixLines(`${name}!`, c.toString()));
      for (const l of this.listeners) l();
    });
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits until stdout+stderr match `re` (or the process ends, which fails). */
  async waitForOutput(re: RegExp, timeoutMs: number, what = String(re)): Promise<RegExpMatchArray> {
    const check = (): RegExpMatchArray | null => re.exec(this.stdout) ?? re.exec(this.stderr);
    const found = check();
    if (found) return found;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`${this.name}: no ${what} within ${timeoutMs} ms\n${this.tail()}`)), timeoutMs);
      const onChange = (): void => {
        const m = check();
        if (m) done(null, m);
      };
      const onExit = (): void => done(new Error(`${this.name} exited (code ${this.child.exitCode}, signal ${this.child.signalCode}) before ${what}\n${this.tail()}`));
      const done = (err: Error | null, m?: RegExpMatchArray): void => {
        clearTimeout(timer);
        this.listeners.delete(onChange);
        this.child.off('close', onExit);
        if (err) reject(err);
        else resolve(m!);
      };
      this.listeners.add(onChange);
      this.child.once('close', onExit);
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the result either way. */
  async stop(graceMs = 10_000): Promise<CliResult> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const t = setTimeout(() => {
        if (this.running) this.child.kill('SIGKILL');
      }, graceMs);
      const r = await this.exited;
      clearTimeout(t);
      return r;
    }
    return this.exited;
  }

  tail(chars = 3000): string {
    return `--- ${this.name} stdout (tail) ---\n${this.stdout.slice(-chars)}\n--- ${this.name} stderr (tail) ---\n${this.stderr.slice(-chars)}`;
  }
}

function prefixLines(prefix: string, text: string): string {
  return text.split('\n').filter((l) => l.length > 0).map((l) => `${prefix} ${l}\n`).join('');
}

/** Starts `amsgate <args>` from source (node --import tsx host-cli/main.ts). */
export function spawnCli(name: string, args: string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...env },
  });
  return new CliProcess(name, child);
}

/** Runs `amsgate <args>` to completion (killed after `timeoutMs`). */
export async function runCli(args: string[], timeoutMs = 60_000): Promise<CliResult> {
  const p = spawnCli(`amsgate ${args[0] ?? ''}`, args);
  const t = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  const r = await p.exited;
  clearTimeout(t);
  return r;
}

/** Runs `amsgate <args>` and throws (with its output) unless it exits with `expectCode`. */
export async function runCliOk(args: string[], expectCode = 0, timeoutMs = 60_000): Promise<CliResult> {
  const r = await runCli(args, timeoutMs);
  if (r.code !== expectCode) {
    throw new Error(`amsgate ${args.join(' ')} exited ${r.code ?? r.signal} (expected ${expectCode})\nstdout:\n${r.stdout.slice(-3000)}\nstderr:\n${r.stderr.slice(-3000)}`);
  }
  return r;
}

/**
 * Compares `actual` with the golden file byte for byte. With UPDATE_GOLDEN=1 the golden is (re)written instead
 * and the comparison passes. Returns a description of the first difference, or null when equal.
 */
export function compareGolden(goldenPath: string, actual: string): string | null {
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(goldenPath), { recursive: true });
    writeFileSync(goldenPath, actual);
    return null;
  }
  if (!existsSync(goldenPath)) return `golden file ${goldenPath} does not exist; create it with UPDATE_GOLDEN=1 and review it`;
  const expected = readFileSync(goldenPath, 'utf8');
  if (expected === actual) return null;
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      return `${goldenPath} differs at line ${i + 1}:\n  golden: ${JSON.stringify(a[i])}\n  actual: ${JSON.stringify(b[i])}\n(${a.length} vs ${b.length} lines)`;
    }
  }
  return `${goldenPath} differs (same lines, different bytes)`;
}

export { seededRandom } from '../../../drivers/sim/seeded-random.js';
