import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseFaultSpec } from '../../host-cli/commands/sim.js';
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
