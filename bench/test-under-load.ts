// The test suite under CPU load (issue 9: "npm test passes 5 runs in a row with the machine loaded by two busy
// loops"): starts LOOPS busy loops, runs the README's test command RUNS times in a row, and prints each run's
// "N passed, N failed" line, its wall time and the failing tests; stops at the first failing run.
// Usage: npx tsx bench/test-under-load.ts [runs=5] [loops=2]
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 5);
const loops = Number(process.argv[3] ?? 2);
const root = fileURLToPath(new URL('..', import.meta.url));
const busy = Array.from({ length: loops }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
const stopBusy = (): void => busy.forEach((b) => b.kill('SIGKILL'));
process.on('exit', stopBusy);
console.log(`npm test x ${runs} next to ${loops} busy loop(s); load average at start ${loadavg()[0]!.toFixed(2)}`);
let passedRuns = 0;
for (let i = 1; i <= runs; i++) {
  const t0 = Date.now();
  let out = '';
  const code = await new Promise<number | null>((resolve) => {
    const c = spawn('npm', ['test'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (out += d.toString()));
    c.on('close', resolve);
  });
  const summary = /(\d+) passed, (\d+) failed/.exec(out)?.[0] ?? 'no summary line';
  const fails = [...out.matchAll(/FAIL\s+"([^"]+)"/g)].map((m) => m[1]);
  console.log(`run ${i}: exit ${code}, ${summary}, ${((Date.now() - t0) / 60_000).toFixed(1)} min, load ${loadavg()[0]!.toFixed(2)}${fails.length ? `; failed: ${fails.join(' | ')}` : ''}`);
  if (code !== 0) {
    console.log(out.slice(-4000));
    break;
  }
  passedRuns++;
}
stopBusy();
console.log(`${passedRuns} of ${runs} runs passed in a row`);
process.exit(passedRuns === runs ? 0 : 1);
