// Usage errors inside every subcommand exit 2 (README, `amsgate --help`): in-process for each registered command,
// and through a real child process, since the in-process helper must not hide what the shell sees.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../../host-cli/command-registry.js';
import { runInProcess } from '../helpers/in-process-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function amsgate(args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolveRun, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', 'host-cli/main.ts', ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.on('data', (d) => (err += d));
    c.on('error', reject);
    c.on('close', (code) => resolveRun({ code, err }));
  });
}

test('an unknown option to every command exits 2 with Commander\'s message', async () => {
  for (const entry of COMMANDS) {
    const { register } = await entry.load();
    const r = await runInProcess(register, [entry.name, '--no-such-option']);
    assert.is(r.code, 2, `${entry.name}: ${r.err}`);
    assert.match(r.err, /error: (unknown option '--no-such-option'|required option)/, entry.name);
  }
});

test('usage errors in nested subcommands, missing arguments and option values exit 2 in-process', async () => {
  const keys = await COMMANDS.find((e) => e.name === 'keys')!.load();
  assert.is((await runInProcess(keys.register, ['keys', 'show', '--bogus'])).code, 2);
  assert.is((await runInProcess(keys.register, ['keys', 'show', '--dir'])).code, 2);
  const verify = await COMMANDS.find((e) => e.name === 'verify')!.load();
  const v = await runInProcess(verify.register, ['verify']);
  assert.is(v.code, 2);
  assert.match(v.err, /missing required argument 'file'/);
});

test('a real amsgate process exits 2 on usage errors inside subcommands, 0 on --help and --version', async () => {
  const cases: [string[], number, RegExp][] = [
    [['keys', 'show', '--bogus'], 2, /unknown option '--bogus'/],
    [['status', '--intervals'], 2, /argument missing/],
    [['verify'], 2, /missing required argument 'file'/],
    [['prove'], 2, /required option '--config <file>' not specified/],
    [['nosuch'], 2, /unknown command 'nosuch'/],
    [['keys', 'show', '--help'], 0, /^$/],
    [['--version'], 0, /^$/],
  ];
  const results = await Promise.all(cases.map(([args]) => amsgate(args)));
  cases.forEach(([args, code, err], i) => {
    assert.is(results[i]!.code, code, `${args.join(' ')}: ${results[i]!.err}`);
    assert.match(results[i]!.err, err, args.join(' '));
  });
});

test.run();
