// docs/meter-models.md "Adding a meter", followed literally: the model file, the sim/read/discover commands and the
// gateway meter entry are taken from the page itself, then run (sim as a real `amsgate` process, read and discover
// in-process, and a short in-process gateway run from a configuration naming the file, until an interval closes).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify } from 'yaml';
import { ManualClock } from '../../../drivers/clock.js';
import { demoConfig, loadConfig } from '../../../device/config/gateway-config.js';
import { Gateway, type GatewayEvent } from '../../../device/runtime/gateway.js';
import { register as registerRead } from '../../../host-cli/commands/read.js';
import { register as registerDiscover } from '../../../host-cli/commands/discover.js';
import { runInProcess } from '../../helpers/in-process-cli.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const page = readFileSync(join(root, 'docs/meter-models.md'), 'utf8');
const section = page.slice(page.indexOf('## Adding a meter'), page.indexOf('\n## ', page.indexOf('## Adding a meter') + 5));
const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, body: m[2]! }));
const [modelBlock, commandBlock, configBlock] = blocks;
const commands = commandBlock!.body.trim().split('\n').map((l) => l.trim().split(/\s+/));
const fileName = commands[0]![commands[0]!.indexOf('--model-file') + 1]!;
const docAddress = commands[0]![commands[0]!.indexOf('--tcp') + 1]!;

async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('the page shows a model file, sim/read/discover commands with --model-file, and a meter entry with modelFile', () => {
  assert.equal(blocks.map((b) => b.lang), ['yaml', 'sh', 'yaml']);
  assert.equal(commands.map((c) => c[1]), ['sim', 'read', 'discover']);
  for (const c of commands) assert.is(c[c.indexOf('--model-file') + 1], fileName);
  assert.is((parseYaml(configBlock!.body) as { meters: { modelFile: string }[] }).meters[0]!.modelFile, fileName);
});

test('sim, read, discover and a gateway run work with the model added as a file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-add-meter-'));
  const modelPath = join(dir, fileName);
  writeFileSync(modelPath, modelBlock!.body);
  const modelId = (parseYaml(modelBlock!.body) as { id: string }).id;
  const args = (c: string[]) => c.slice(1).map((a) => (a === fileName ? modelPath : a));
  // 1. `amsgate sim` as a real process, on a free port instead of the page's 1502.
  const sim = spawn(process.execPath, ['--import', 'tsx', 'host-cli/main.ts', ...args(commands[0]!).map((a) => (a === docAddress ? '127.0.0.1:0' : a))], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let simOut = '';
  sim.stdout.on('data', (d) => (simOut += d));
  sim.stderr.on('data', (d) => (simOut += d));
  try {
    await until(() => /listening on tcp \S+/.test(simOut) || sim.exitCode !== null, 'the simulator to listen', 30_000);
    const address = /listening on tcp (\S+)/.exec(simOut)?.[1];
    assert.ok(address, simOut);
    const here = (c: string[]) => args(c).map((a) => (a === docAddress ? address! : a));

    const read = await runInProcess(registerRead, here(commands[1]!));
    assert.is(read.code, 0, read.err);
    const doc = JSON.parse(read.out);
    assert.is(doc.model, modelId);
    assert.is(doc.instant.voltageV.length, 3);
    assert.ok(doc.energy.import.value !== undefined);

    const found = await runInProcess(registerDiscover, [...here(commands[2]!), '--json']);
    assert.is(found.code, 0, found.err);
    const d = JSON.parse(found.out.slice(found.out.indexOf('{')));
    assert.equal(d.found.map((f: { model: string; unit: number }) => [f.model, f.unit]), [[modelId, 1]]);
  } finally {
    if (sim.exitCode === null) {
      const exited = new Promise((r) => sim.once('exit', r));
      sim.kill('SIGTERM');
      await exited;
    }
  }

  // 3. The page's meter entry in a gateway configuration (simulated here), loaded as `amsgate run --config` does.
  const meter = (parseYaml(configBlock!.body) as { meters: Record<string, unknown>[] }).meters[0]!;
  const base = demoConfig(join(dir, 'data'));
  const cfgFile = join(dir, 'gateway.yaml');
  writeFileSync(
    cfgFile,
    stringify({
      deviceId: base.deviceId,
      storePath: 'data',
      meters: [{ ...meter, connection: { tcp: '127.0.0.1:0' }, simulate: { profile: 'constant', ratingW: 3000 } }],
    }),
  );
  const cfg = loadConfig(cfgFile);
  assert.is(cfg.meters[0]!.model, modelId);
  assert.is(cfg.meters[0]!.modelFile, modelPath);
  const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);
  const clock = new ManualClock(T0);
  const events: GatewayEvent[] = [];
  const gw = new Gateway({ config: cfg, clock, brokerUrl: null, onEvent: (e) => events.push(e) });
  await gw.start();
  try {
    const readings = () => events.filter((e) => e.type === 'reading').length;
    const closed = () => events.filter((e) => e.type === 'interval');
    const errors = () => events.filter((e) => e.type === 'meter-error');
    // Two half-hours and the close delay: the second period is fully covered. Each poll is awaited, not slept on.
    for (let t = 0; t < 62 * 60_000 && closed().length < 2; t += cfg.pollIntervalMs) {
      const n = readings();
      await clock.advance(cfg.pollIntervalMs);
      await until(() => readings() > n || errors().length > 0, `a reading at +${t / 1000} s`);
      assert.equal(errors(), [], 'no meter error');
    }
    const ivs = closed().map((e) => (e.type === 'interval' ? e.record : null)!);
    assert.ok(ivs.length >= 2, `${ivs.length} intervals`);
    const second = ivs[1]!;
    // 3000 W for half an hour, from a float32 kWh register decoded to integer Wh.
    assert.ok(Math.abs(second.energyWh - 1500) <= 1, JSON.stringify(second));
  } finally {
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
