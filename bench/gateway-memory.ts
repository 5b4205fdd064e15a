// Memory of a running gateway over simulated days: starts `amsgate run --demo` (simulated SDM630 and BL0942, embedded
// broker) as its own process, either built (`dist/`, as installed) or from source as `npm start` runs it, and prints
// its RSS at the end of each simulated day with the peak. Targets (issue 9): flat within 5 MB after the first day,
// <= 70 MB for the built gateway.
// Usage: npm run build && npx tsx bench/gateway-memory.ts [built|source] [days=7] [speed=1440]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const mode = process.argv[2] ?? 'built';
const days = Number(process.argv[3] ?? 7);
const speed = Number(process.argv[4] ?? 1440);
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'amsgate-mem-'));
const entry = mode === 'built' ? [join(root, 'dist/host-cli/main.js')] : ['--import', 'tsx', join(root, 'host-cli/main.ts')];
const extra = (process.env.NODE_EXTRA ?? '').split(' ').filter(Boolean);

const child = spawn(process.execPath, ['--max-semi-space-size=1', ...extra, ...entry, 'run', '--demo', '--data', dir, '--speed', String(speed)], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let out = '';
let intervals = 0;
child.stdout.on('data', (c: Buffer) => {
  const s = c.toString();
  intervals += (s.match(/✔ interval/g) ?? []).length;
  if (out.length < 4000) out += s;
});
child.stderr.on('data', (c: Buffer) => (out += c.toString()));
await new Promise<void>((resolve, reject) => {
  child.stdout.on('data', function started(c: Buffer) {
    if (c.toString().includes('amsgate gateway')) (child.stdout.off('data', started), resolve());
  });
  child.once('exit', (code) => reject(new Error(`gateway exited ${code}: ${out}`)));
});
const t0 = Date.now();
const mb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const dayMs = 86_400_000 / speed;
console.log(`${mode} gateway (pid ${child.pid}), demo config, ${speed}x: one simulated day every ${(dayMs / 1000).toFixed(0)} s`);
console.log('day  RSS MB  peak MB  intervals printed');
const rss: number[] = [];
for (let d = 1; d <= days; d++) {
  await new Promise((r) => setTimeout(r, t0 + d * dayMs - Date.now()));
  rss.push(mb('VmRSS'));
  console.log(`${String(d).padStart(3)}  ${rss.at(-1)!.toFixed(1).padStart(6)}  ${mb('VmHWM').toFixed(1).padStart(7)}  ${intervals}`);
}
const after1 = rss.slice(1);
console.log(`after day 1: min ${Math.min(...after1).toFixed(1)} max ${Math.max(...after1).toFixed(1)} MB (spread ${(Math.max(...after1) - Math.min(...after1)).toFixed(1)} MB, day ${days} - day 1 = ${(rss.at(-1)! - rss[0]!).toFixed(1)} MB); peak ${mb('VmHWM').toFixed(1)} MB`);
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
rmSync(dir, { recursive: true, force: true });
