#!/usr/bin/env node
// Runs uvu and closes with the line "N passed, N failed" that CI reads.
// uvu itself prints only "Total/Passed/Skipped" and exits 0 when no test ran, so both are fixed here.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const uvuBin = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'uvu', 'bin.js');
const args = process.argv.slice(2);
const dir = args[0] ?? 'test';
const pattern = args[1] ?? '\\.test\\.ts$';

// `npm test` leaves out test/system (real Mosquitto, PostgreSQL, crash campaign): CI runs those separately.
const ignore = ['-i', 'fixtures', ...(dir === 'test' ? ['-i', 'system'] : [])];
const child = spawn(process.execPath, ['--import', 'tsx', uvuBin, dir, pattern, ...ignore], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, NO_COLOR: '1' },
});
let out = '';
child.stdout.on('data', (chunk) => {
  out += chunk.toString();
  process.stdout.write(chunk);
});
child.on('close', (code) => {
  const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const passed = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const skipped = Number(/Skipped:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const failed = Math.max(0, total - passed - skipped);
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  if (total === 0) console.error('no test ran: treat as failure');
  process.exitCode = total > 0 && code === 0 && failed === 0 ? 0 : 1;
});
