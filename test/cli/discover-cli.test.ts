// `amsgate discover` against simulators it has to tell apart: over TCP (several units) and over a socat pty.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

test('discover --serial finds an IEC 62056-21 meter (sign-on at 300 7E1) and skips the Modbus scan', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-discover-cli-'));
  const sim = await catalogEntry('iec62056').startSimulator({ listen: { serial: join(dir, 'meter') }, clock, profile: 'constant', random: () => 0.5 });
  try {
    const r = await run(['discover', '--serial', sim.address, '--timeout', '100', '--json']);
    assert.is(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.is(doc.found.length, 1);
    assert.is(doc.found[0].model, 'iec62056');
    assert.is(doc.found[0].transport, 'iec62056');
    assert.is(doc.found[0].unit, null);
    assert.is(doc.found[0].identification, 'AMS5amsgate-sim');
    assert.equal(doc.found[0].connection, { serial: sim.address, baud: 300, parity: 'even', dataBits: 7, stopBits: 1 });
    assert.is(doc.probes, 2, 'CSE7766 listened for, IEC 62056-21 answered, no Modbus probe');
    assert.match(r.stderr, /probing .* 300 7E1 for iec62056/);
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('discover --serial --protocols uart: a BL0942 at 4800 8N1, shown with a read command', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-discover-cli-'));
  const sim = await catalogEntry('bl0942').startSimulator({ listen: { serial: join(dir, 'chip') }, clock, profile: 'constant', random: () => 0.5 });
  try {
    const r = await run(['discover', '--serial', sim.address, '--protocols', 'uart', '--timeout', '100']);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /bl0942\s.*Shanghai Belling BL0942.*4800 8N1/);
    assert.match(r.stdout, new RegExp(`amsgate read --model bl0942 --serial ${sim.address}\\n`));
    assert.not.match(r.stderr, /iec62056|as sdm|unit 1/, 'neither IEC 62056-21 nor Modbus probed');
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('discover --units validates its list', async () => {
  const r = await run(['discover', '--tcp', '127.0.0.1:1', '--units', '0-300']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /unit ids 1\.\.247/);
  const p = await run(['discover', '--tcp', '127.0.0.1:1', '--protocols', 'zigbee']);
  assert.is(p.code, 2);
  assert.match(p.stderr, /--protocols "zigbee": expected uart, iec62056, modbus/);
});

test.run();
