import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseFaultSpec, parseSimFaults } from '../../host-cli/commands/sim.js';
import { ConfigError } from '../../drivers/errors.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'host-cli/main.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 20000 });

test('--fault parses rates, exception and frozen', () => {
  assert.equal(parseFaultSpec('crc=0.1,timeout=0.05,garbage=0.01,exception=2,frozen'), {
    crcErrorRate: 0.1,
    timeoutRate: 0.05,
    garbageRate: 0.01,
    exceptionCode: 2,
    frozen: true,
  });
  assert.throws(() => parseFaultSpec('crc=2'), (e: unknown) => e instanceof ConfigError && /probability 0\.\.1/.test((e as Error).message));
  assert.throws(() => parseFaultSpec('smoke'), /not understood/);
});

test('--fault parses a slow device and a meter reset', () => {
  assert.equal(parseSimFaults('slow=400,slow-rate=0.5,reset=30'), { faults: { slowMs: 400, slowRate: 0.5 }, resetAfterS: 30 });
  assert.equal(parseSimFaults('slow=250'), { faults: { slowMs: 250 } });
  assert.throws(() => parseSimFaults('slow=-1'), (e: unknown) => e instanceof ConfigError && /slow=-1: expected the extra reply delay in ms/.test((e as Error).message));
  assert.throws(() => parseSimFaults('slow'), /slow=: expected the extra reply delay/);
  assert.throws(() => parseSimFaults('reset=soon'), /reset=soon: expected seconds after the start/);
});

test('sim --help teaches: options and an example', () => {
  const r = run(['sim', '--help']);
  assert.is(r.status, 0);
  assert.match(r.stdout, /--fault <spec>/);
  assert.match(r.stdout, /amsgate sim sdm630 --tcp 127\.0\.0\.1:1502/);
});

test('sim with an unknown model or two listeners exits 2', () => {
  const a = run(['sim', 'sdm999', '--tcp', '127.0.0.1:0']);
  assert.is(a.status, 2);
  assert.match(a.stderr, /unknown meter model "sdm999"; known models: sdm630/);
  const b = run(['sim', 'sdm630', '--tcp', '127.0.0.1:0', '--serial', '/tmp/x']);
  assert.is(b.status, 2);
  const c = run(['sim', 'sdm630', '--tcp', '127.0.0.1:0', '--fault', 'crc=7']);
  assert.is(c.status, 2);
});

test.run();
