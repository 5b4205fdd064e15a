// `amsgate discover` against simulators it has to tell apart: over TCP (several units) and over a socat pty.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '../../drivers/clock.js';
import { catalogEntry } from '../../drivers/catalog.js';
import { openPtyPair } from '../helpers/pty-pair.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ['--import', 'tsx', 'host-cli/main.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    c.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const clock = new ManualClock(0);

test('discover --tcp --json finds an EM340 at unit 3 and shows progress', async () => {
  const sim = await catalogEntry('em340').startSimulator({ listen: { tcp: '127.0.0.1:0' }, unit: 3, clock, profile: 'constant', random: () => 0.5 });
  try {
    const r = await run(['discover', '--tcp', sim.address, '--units', '1-4', '--json']);
    assert.is(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.found.map((f: { model: string; unit: number }) => [f.model, f.unit]), [['em340', 3]]);
    assert.match(r.stderr, /probing tcp .* unit 4/);
  } finally {
    await sim.close();
  }
});

test('discover --serial over a pty: finds the meter, reports the line; an empty bus exits 3', async () => {
  const pty = await openPtyPair();
  const sim = await catalogEntry('b23').startSimulator({ listen: { serial: pty.a, baud: 19200, parity: 'even' }, unit: 2, clock, profile: 'constant', random: () => 0.5 });
  try {
    const r = await run(['discover', '--serial', pty.b, '--bauds', '19200', '--parities', 'even', '--units', '1-3', '--timeout', '150', '--json']);
    assert.is(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.is(doc.found.length, 1);
    assert.is(doc.found[0].model, 'b23');
    assert.is(doc.found[0].unit, 2);
    assert.equal(doc.found[0].connection, { serial: pty.b, baud: 19200, parity: 'even', dataBits: 8, stopBits: 1 });
    const empty = await run(['discover', '--serial', pty.b, '--bauds', '19200', '--parities', 'even', '--units', '5', '--timeout', '100']);
    assert.is(empty.code, 3);
    assert.match(empty.stdout, /no known meter answered/);
  } finally {
    await sim.close();
    await pty.close();
  }
});

test('discover --units validates its list', async () => {
  const r = await run(['discover', '--tcp', '127.0.0.1:1', '--units', '0-300']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /unit ids 1\.\.247/);
});

test.run();
