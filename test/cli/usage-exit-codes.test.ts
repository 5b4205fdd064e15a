// Issue 9: "usage errors inside every subcommand exit 2 as the README promises; the in-process test helper must not
// hide this". The command tree is walked from the registry (every command and every nested subcommand), so a command
// added later is covered without editing this file. Each path is run with an unknown option as a real `amsgate`
// process (4 at a time) and in-process; both must give 2.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { COMMANDS } from '../../host-cli/command-registry.js';
import { newProgram } from '../../host-cli/main.js';
import { runInProcess } from '../helpers/in-process-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BOGUS = '--bogus-option-xyz';

function amsgate(args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolveRun, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', 'host-cli/main.ts', ...args], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, AMSGATE_NO_PROVISION: '1' },
    });
    let err = '';
    c.stderr.on('data', (d) => (err += d));
    c.on('error', reject);
    c.on('close', (code) => resolveRun({ code, err }));
  });
}

/** Runs `jobs` with at most `width` in flight, results in input order. */
async function pool<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]!();
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return out;
}

interface CommandPath {
  words: string[];
  register: (p: Command) => void;
}

async function commandPaths(): Promise<CommandPath[]> {
  const paths: CommandPath[] = [];
  for (const entry of COMMANDS) {
    const { register } = await entry.load();
    const program = newProgram({ writeOut: () => undefined, writeErr: () => undefined });
    register(program);
    const walk = (c: Command, prefix: string[]): void => {
      for (const sub of c.commands) {
        const words = [...prefix, sub.name()];
        paths.push({ words, register });
        walk(sub, words);
      }
    };
    walk(program, []);
  }
  return paths;
}

test('the walk reaches nested subcommands of every registered command', async () => {
  const paths = (await commandPaths()).map((p) => p.words.join(' '));
  for (const entry of COMMANDS) assert.ok(paths.includes(entry.name), entry.name);
  // Spot checks that the walk goes below the first level (a flat list would pass the loop above).
  for (const nested of ['keys show', 'keys create', 'dc runs', 'devices add', 'bench plan']) assert.ok(paths.includes(nested), nested);
});

test('an unknown option inside every command and subcommand exits 2, as a real process and in-process', async () => {
  const paths = await commandPaths();
  const real = await pool(paths.map((p) => () => amsgate([...p.words, BOGUS])), 4);
  const failures: string[] = [];
  for (let i = 0; i < paths.length; i++) {
    const { words, register } = paths[i]!;
    const label = words.join(' ');
    const r = real[i]!;
    if (r.code !== 2) failures.push(`real '${label} ${BOGUS}' exited ${r.code}: ${r.err.trim().split('\n')[0]}`);
    // A command with subcommands and no action shows its help on stderr instead of naming the option: still a usage error.
    else if (!r.err.includes(BOGUS) && !/Usage:/.test(r.err) && !/required option|missing required argument/.test(r.err)) {
      failures.push(`real '${label} ${BOGUS}' said neither the option nor usage: ${r.err.trim()}`);
    }
    const inProc = await runInProcess(register, [...words, BOGUS]);
    if (inProc.code !== r.code) failures.push(`in-process '${label}' gave ${inProc.code}, the real process ${r.code}`);
  }
  assert.equal(failures, [], failures.join('\n'));
  assert.ok(paths.length >= 30, `only ${paths.length} command paths found`);
});

test.run();
