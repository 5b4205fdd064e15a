// `amsgate sim --fault slow=MS / reset=S` and `amsgate read --timeout MS`, as a user runs them: separate processes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const amsgate = (args: string[]) => spawn(process.execPath, ['--import', 'tsx', 'host-cli/main.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = amsgate(args);
    let stdout = '';
    let stderr = '';
    c.stdout!.on('data', (d) => (stdout += d));
    c.stderr!.on('data', (d) => (stderr += d));
    c.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Sim {
  child: ChildProcess;
  address: string;
  /** Resolves once the simulator's stdout matches `re`. */
  printed(re: RegExp): Promise<void>;
  stop(): Promise<number | null>;
}

function startSim(args: string[]): Promise<Sim> {
  return new Promise((resolve, reject) => {
    const child = amsgate(['sim', ...args]);
    let out = '';
    const watchers: { re: RegExp; done: () => void }[] = [];
    const timer = setTimeout(() => reject(new Error(`sim did not start within 60 s: ${out}`)), 60_000); // an upper bound: tsx start-up on a loaded machine takes seconds
    const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
    child.stdout!.on('data', (d) => {
      out += d;
      for (const w of watchers.splice(0)) (w.re.test(out) ? w.done() : watchers.push(w));
      const m = /listening on (?:tcp|serial) (\S+)/.exec(out);
      if (m && timer) {
        clearTimeout(timer);
        resolve({
          child,
          address: m[1]!,
          printed: (re) => new Promise<void>((done) => (re.test(out) ? done() : watchers.push({ re, done }))),
          stop: () => (child.kill('SIGINT'), exited),
        });
      }
    });
    child.stderr!.on('data', (d) => (out += d));
  });
}

const importWh = (stdout: string): number => Number(JSON.parse(stdout).energy.import.wh);

test('slow=300: read --timeout 100 gives up (exit 3), read --timeout 2000 waits for the late reply (exit 0)', async () => {
  const sim = await startSim(['sdm120', '--tcp', '127.0.0.1:0', '--rating', '2000', '--fault', 'slow=300']);
  try {
    const short = await run(['read', '--model', 'sdm120', '--tcp', sim.address, '--once', '--json', '--timeout', '100']);
    assert.is(short.code, 3, short.stderr);
    assert.match(short.stderr, /did not answer FC 4 within 100 ms/);
    const long = await run(['read', '--model', 'sdm120', '--tcp', sim.address, '--once', '--json', '--timeout', '2000']);
    assert.is(long.code, 0, long.stderr);
    assert.is(JSON.parse(long.stdout).model, 'sdm120');
  } finally {
    assert.is(await sim.stop(), 0);
  }
});

test('a meter reset: SIGUSR2 and reset=S bring the energy registers back to zero', async () => {
  const sim = await startSim(['sdm120', '--tcp', '127.0.0.1:0', '--rating', '1000', '--start-import-wh', '50000']);
  const timed = await startSim(['sdm120', '--tcp', '127.0.0.1:0', '--rating', '1000', '--start-import-wh', '50000', '--fault', 'reset=0']);
  try {
    const before = await run(['read', '--model', 'sdm120', '--tcp', sim.address, '--once', '--json']);
    assert.is(before.code, 0, before.stderr);
    assert.ok(importWh(before.stdout) >= 50000, before.stdout);
    sim.child.kill('SIGUSR2');
    await sim.printed(/meter reset \(SIGUSR2\)/);
    const after = await run(['read', '--model', 'sdm120', '--tcp', sim.address, '--once', '--json']);
    assert.is(after.code, 0, after.stderr);
    // 1 kW for the few seconds since the reset: far below the 50 kWh before it.
    assert.ok(importWh(after.stdout) < 10, after.stdout);

    await timed.printed(/meter reset \(--fault reset=0\)/);
    const t = await run(['read', '--model', 'sdm120', '--tcp', timed.address, '--once', '--json']);
    assert.is(t.code, 0, t.stderr);
    assert.ok(importWh(t.stdout) < 10, t.stdout);
  } finally {
    assert.is(await sim.stop(), 0);
    assert.is(await timed.stop(), 0);
  }
});

test.run();
