// `amsgate sim` in one process, `amsgate read --once --json` in another, as a user would run them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

/** Starts `amsgate sim` and resolves with its listening address once it prints it. */
function startSim(args: string[]): Promise<{ child: ChildProcess; address: string; stop: () => Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = amsgate(['sim', ...args]);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`sim did not start within 60 s: ${out}`)), 60_000); // an upper bound: tsx start-up on a loaded machine takes seconds
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (?:tcp|serial) (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
        resolve({ child, address: m[1]!, stop: () => (child.kill('SIGINT'), exited) });
      }
    });
    child.stderr!.on('data', (d) => (out += d));
  });
}

test('read --once --json against a simulated B23 with a start register: integer energy with its resolution', async () => {
  const sim = await startSim(['b23', '--tcp', '127.0.0.1:0', '--unit', '5', '--profile', 'constant', '--rating', '1500', '--start-import-wh', '1234560']);
  try {
    const r = await run(['read', '--model', 'b23', '--tcp', sim.address, '--unit', '5', '--once', '--json']);
    assert.is(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.is(doc.model, 'b23');
    assert.is(doc.unit, 5);
    assert.is(doc.energy.import.whPerCount, '10');
    assert.is(doc.energy.import.counterBits, null);
    assert.is(doc.energy.import.floatUlpWh, null);
    assert.match(doc.energy.import.value, /^\d+$/);
    const counts = Number(doc.energy.import.value);
    assert.ok(counts >= 123456 && counts < 123456 + 10, `counts ${counts}`);
    assert.is(doc.energy.import.wh, String(counts * 10));
    assert.is(doc.energy.export.value, '0');
    assert.ok(Math.abs(doc.instant.powerW - 1500) < 2, `P ${doc.instant.powerW}`);
    assert.is(doc.instant.voltageV.length, 3);
    assert.ok(Math.abs(Date.parse(doc.at) - Date.now()) < 10000);
  } finally {
    assert.is(await sim.stop(), 0, 'sim exits 0 on SIGINT');
  }
});

test('read --once --json on an SDM120: float energy becomes integer Wh with floatUlpWh', async () => {
  const sim = await startSim(['sdm120', '--tcp', '127.0.0.1:0', '--rating', '0', '--start-import-wh', '20000000']); // no load: the register stays put
  try {
    const r = await run(['read', '--model', 'sdm120', '--tcp', sim.address, '--once', '--json']);
    assert.is(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.is(doc.energy.import.whPerCount, '1');
    assert.is(doc.energy.import.value, '20000000');
    assert.is(doc.energy.import.floatUlpWh, 1.953125); // above 16384 kWh a float32 resolves ~2 Wh
    assert.is(doc.instant.voltageV.length, 1);
  } finally {
    await sim.stop();
  }
});

test('read of a wrong model exits 3 with the Modbus exception; unknown model exits 2; nothing listening exits 3', async () => {
  const sim = await startSim(['sdm630', '--tcp', '127.0.0.1:0']);
  try {
    const wrong = await run(['read', '--model', 'b23', '--tcp', sim.address, '--once', '--json']);
    assert.is(wrong.code, 3);
    assert.match(wrong.stderr, /exception 2/);
    const unknown = await run(['read', '--model', 'nope', '--tcp', sim.address, '--once']);
    assert.is(unknown.code, 2);
    assert.match(unknown.stderr, /unknown meter model "nope"/);
  } finally {
    await sim.stop();
  }
  const none = await run(['read', '--model', 'sdm630', '--tcp', '127.0.0.1:1', '--once']);
  assert.is(none.code, 3, none.stderr);
});

test('sim --serial on a path that does not exist makes a pty pair; read --serial reads it with wire timing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-sim-'));
  const path = join(dir, 'meter');
  const sim = await startSim(['em340', '--serial', path, '--baud', '19200', '--unit', '9']);
  try {
    assert.is(sim.address, path);
    const r = await run(['read', '--model', 'em340', '--serial', path, '--baud', '19200', '--unit', '9', '--once', '--json']);
    assert.is(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.is(doc.energy.import.whPerCount, '100');
    assert.equal(doc.connection, { serial: path, baud: 19200 });
    assert.is(doc.instant.voltageV.length, 3);
  } finally {
    assert.is(await sim.stop(), 0);
    assert.not.ok(existsSync(path), 'the pty link is removed when the simulator stops');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('live mode prints a table per sample and stops after --count', async () => {
  const sim = await startSim(['em340', '--tcp', '127.0.0.1:0']);
  try {
    const r = await run(['read', '--model', 'em340', '--tcp', sim.address, '--interval', '100', '--count', '2']);
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stdout.match(/voltage V/g)?.length, 2);
    assert.match(r.stdout, /import\s+\d+\s+100 Wh/);
  } finally {
    await sim.stop();
  }
});

test('live mode whose reader goes away (| head): exits 0 without a word on stderr', async () => {
  const sim = await startSim(['sdm630', '--tcp', '127.0.0.1:0', '--profile', 'constant']);
  try {
    for (const json of [true, false]) {
      const c = amsgate(['read', '--model', 'sdm630', '--tcp', sim.address, '--interval', '50', ...(json ? ['--json'] : [])]);
      let stderr = '';
      c.stderr!.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((r) => c.once('close', (code) => r(code)));
      // Like `head -1`: take the first chunk, then close the read end of the pipe.
      await new Promise((r) => c.stdout!.once('data', r));
      c.stdout!.destroy();
      const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      assert.is(code, 0, `${json ? '--json' : 'table'}: ${stderr}`);
      assert.is(stderr, '', json ? '--json' : 'table');
    }
  } finally {
    await sim.stop();
  }
});

test.run();
