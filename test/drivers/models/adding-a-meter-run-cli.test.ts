// Issue 8: docs/meter-models.md "Adding a meter" followed literally, through `amsgate run` itself.
// adding-a-meter.test.ts runs the page's sim/read/discover commands and drives the Gateway class from the page's
// configuration; this one runs the page's `amsgate sim --model-file` and then `amsgate run --config` (both real
// processes, both at 600x so a half-hour closes in 3 s) with the page's meter entry pointed at that simulator.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify } from 'yaml';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const page = readFileSync(join(root, 'docs/meter-models.md'), 'utf8');
const start = page.indexOf('## Adding a meter');
const section = page.slice(start, page.indexOf('\n## ', start + 5));
const [modelBlock, commandBlock, configBlock] = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => m[2]!);
const simCommand = commandBlock!.trim().split('\n')[0]!.trim().split(/\s+/);
const fileName = simCommand[simCommand.indexOf('--model-file') + 1]!;
const docAddress = simCommand[simCommand.indexOf('--tcp') + 1]!;

function amsgate(args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'host-cli/main.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

/** Resolves when `cond` holds on the process's output, rejects when it exits first or after `ms`. */
function waitFor(p: ReturnType<typeof amsgate>, cond: (out: string) => boolean, what: string, ms = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!cond(p.output())) return;
      cleanup();
      resolve();
    };
    const onExit = (): void => (cleanup(), reject(new Error(`exited (${p.child.exitCode}) before ${what}:\n${p.output()}`)));
    const timer = setTimeout(() => (cleanup(), reject(new Error(`timed out waiting for ${what}:\n${p.output()}`))), ms);
    const cleanup = (): void => {
      clearTimeout(timer);
      p.child.stdout!.off('data', check);
      p.child.stderr!.off('data', check);
      p.child.off('exit', onExit);
    };
    p.child.stdout!.on('data', check);
    p.child.stderr!.on('data', check);
    p.child.once('exit', onExit);
    check();
  });
}

async function stop(p: ReturnType<typeof amsgate>): Promise<number | null> {
  if (p.child.exitCode !== null) return p.child.exitCode;
  const exited = new Promise<number | null>((r) => p.child.once('exit', (c) => r(c)));
  p.child.kill('SIGTERM');
  return exited;
}

test('the page\'s model file, simulated by `amsgate sim`, is polled by `amsgate run --config` naming it as modelFile', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-add-meter-run-'));
  writeFileSync(join(dir, fileName), modelBlock!);
  const simArgs = simCommand.slice(1).map((a) => (a === fileName ? join(dir, fileName) : a === docAddress ? '127.0.0.1:0' : a));
  const sim = amsgate([...simArgs, '--speed', '600', '--rating', '6000']);
  let run: ReturnType<typeof amsgate> | null = null;
  try {
    await waitFor(sim, (o) => /listening on tcp \S+/.test(o), 'the simulator to listen');
    const address = /listening on tcp (\S+)/.exec(sim.output())![1]!;
    // The page's meter entry as written (modelFile relative to the configuration), only its line pointed at the simulator.
    const meter = (parseYaml(configBlock!) as { meters: Record<string, unknown>[] }).meters[0]!;
    assert.is(meter.modelFile, fileName);
    writeFileSync(
      join(dir, 'gateway.yaml'),
      stringify({ deviceId: 'gw-add-meter', storePath: 'data', broker: { url: 'mqtt://127.0.0.1:1' }, meters: [{ ...meter, connection: { tcp: address } }] }),
    );
    run = amsgate(['run', '--config', join(dir, 'gateway.yaml'), '--speed', '600', '--start', '2026-01-05T00:00:00Z', '--quiet']);
    const intervals = (o: string) => o.split('\n').filter((l) => l.startsWith(`✔ interval ${meter.id}/import`));
    await waitFor(run, (o) => intervals(o).length >= 2, 'two intervals of the file\'s meter');
    assert.ok(run.output().includes('1 meter(s)'), run.output());
    assert.not.match(run.output(), /meter-error|unknown model|modelFile/, 'no meter or model error');
    // The second period is covered from its start and carries energy from the simulator (6 kW x 30 min, at 600x).
    const second = intervals(run.output())[1]!;
    assert.match(second, /SP02 00:30-01:00Z\s+\d+\.\d{3} kWh\s+actual/, second);
    assert.ok(Number(/(\d+\.\d{3}) kWh/.exec(second)![1]) > 0, second);
    assert.is(await stop(run), 0, `a clean stop exits 0:\n${run.output()}`);
  } finally {
    if (run) await stop(run);
    await stop(sim);
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
