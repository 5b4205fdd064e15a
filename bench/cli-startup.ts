// Start-up time of the built `amsgate` (dist/, what an installed gateway runs), measured hyperfine-style: a few
// warm-up runs, then N timed runs of each command line, with bare `node` for reference. Target: `--version` <= 150 ms.
// Usage: npm run build && npx tsx bench/cli-startup.ts [runs=20]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 20);
const root = fileURLToPath(new URL('..', import.meta.url));
const main = `${root}dist/host-cli/main.js`;
if (!existsSync(main)) throw new Error(`no ${main}: run \`npm run build\` first`);

const lines: [string, string[]][] = [
  ['node -e 0 (reference)', ['-e', '0']],
  ['amsgate --version', [main, '--version']],
  ['amsgate --help', [main, '--help']],
  ['amsgate run --help', [main, 'run', '--help']],
];

const ms = (t: bigint) => Number(t) / 1e6;
console.log(`${runs} runs each after 3 warm-up runs (ms)`);
console.log('command'.padEnd(24), 'min'.padStart(7), 'median'.padStart(7), 'mean'.padStart(7), 'max'.padStart(7));
for (const [name, args] of lines) {
  const flags = ['--max-semi-space-size=1', ...args]; // the flag the installed command's shebang carries
  for (let i = 0; i < 3; i++) spawnSync(process.execPath, flags, { stdio: 'ignore' });
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, flags, { stdio: 'ignore' });
    t.push(ms(process.hrtime.bigint() - t0));
    if (r.status !== 0) throw new Error(`${name} exited ${r.status}`);
  }
  t.sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(1).padStart(7);
  console.log(name.padEnd(24), f(t[0]!), f(t[Math.floor(t.length / 2)]!), f(t.reduce((a, b) => a + b, 0) / t.length), f(t[t.length - 1]!));
}
