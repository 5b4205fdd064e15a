// The `amsgate bench` command as an operator uses it: plan, validate, a simulated run on pty pairs that is
// killed (SIGKILL, no clean-up) mid-run and resumed, calibrate, overall and report.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import Database from 'better-sqlite3';

const root = join(import.meta.dirname, '..', '..');
const main = join(root, 'host-cli', 'main.ts');
const tsx = import.meta.resolve('tsx');
const dir = mkdtempSync(join(tmpdir(), 'amsgate-bench-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

// TMPDIR: the simulators' pty links land in the test directory, so a killed run leaves nothing behind.
const env = { ...process.env, TMPDIR: dir };
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', tsx, main, 'bench', ...args], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });

test('plan writes a YAML plan; validate accepts it and names the point and fix in an edited one', () => {
  const r = cli('plan', '--un', '230', '--in', '6', '--imax', '32', '--supply', 'ac', '--phases', '1', '--out', 'plan.yaml');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /16 points/);
  assert.is(cli('plan', '--validate', 'plan.yaml').status, 0);
  const plan = parse(readFileSync(join(dir, 'plan.yaml'), 'utf8'));
  plan.points[4].limitPct = 3.5;
  plan.defaults.repetitions = 2;
  writeFileSync(join(dir, 'bad.yaml'), stringify(plan));
  const v = cli('plan', '--validate', 'bad.yaml');
  assert.is(v.status, 2);
  assert.match(v.stdout, new RegExp(`${plan.points[4].id}: limit \\+-3.5 % is looser than the table's \\+-2.5 %`));
  assert.match(v.stdout, /defaults.repetitions: repetitions is 2; at least 3/);
});

function dbCounts(db: string): { points: { point_id: string; finished_at: number; mean_error_pct: number }[]; reps: { point_id: string; rep: number; started_at: number }[] } {
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return {
      points: d.prepare('SELECT point_id, finished_at, mean_error_pct FROM point_result WHERE run_id = 1 ORDER BY seq').all() as never,
      reps: d.prepare('SELECT point_id, rep, started_at FROM repetition WHERE run_id = 1 ORDER BY point_id, rep').all() as never,
    };
  } catch {
    return { points: [], reps: [] };
  } finally {
    d.close();
  }
}

test('a run killed mid-way resumes at the next point and keeps finished points', async () => {
  const db = join(dir, 'kill.sqlite');
  const child = spawn(process.execPath, ['--import', tsx, main, 'bench', 'run', '--plan', 'plan.yaml', '--simulate', '--speed', '800', '--dut-error', 'fail-low-current', '--db', db], {
    cwd: dir,
    env,
    detached: true,
    stdio: 'ignore',
  });
  const exited = new Promise((r) => child.once('exit', r));
  const deadline = Date.now() + 60_000;
  let seen = 0;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    seen = existsSync(db) ? dbCounts(db).points.length : 0;
    if (seen >= 4) break;
  }
  process.kill(-child.pid!, 'SIGKILL'); // the whole group: node and its socat children, no clean-up
  await exited;
  assert.ok(seen >= 4 && seen < 16, `killed after ${seen} points`);
  const before = dbCounts(db);
  const r = cli('run', '--plan', 'plan.yaml', '--simulate', '--speed', '4000', '--dut-error', 'fail-low-current', '--db', db, '--resume', '--json');
  assert.is(r.status, 1, r.stderr); // the DUT fails at In
  const res = JSON.parse(r.stdout);
  assert.ok(res.resumed);
  assert.is(res.runId, 1);
  assert.is(res.skippedPoints.length, before.points.length);
  assert.is(res.points.length, 16);
  const after = dbCounts(db);
  assert.equal(after.points.slice(0, before.points.length), before.points, 'finished points untouched');
  const finished = new Set(before.points.map((p) => p.point_id));
  assert.equal(after.reps.filter((x) => finished.has(x.point_id)), before.reps.filter((x) => finished.has(x.point_id)), 'no finished repetition redone');
  const verdicts = res.points.map((p: { pointId: string; verdict: string }) => `${p.pointId}:${p.verdict}`);
  assert.ok(verdicts.includes('P01-PF1-I6:fail') && verdicts.includes('P04-PF1-I32:pass'), verdicts.join(' '));
});

test('calibrate a simulated ATM90E26-style chip, then overall and report', () => {
  const db = join(dir, 'cal.sqlite');
  const run = cli('run', '--plan', 'plan.yaml', '--simulate', '--in-process', '--dut-model', 'sim-atm90e26', '--db', db, '--json');
  assert.is(run.status, 1);
  assert.is(JSON.parse(run.stdout).verdict, 'fail');
  const cal = cli('calibrate', '--results', db, '--simulate', '--in-process', '--dut-model', 'sim-atm90e26', '--temperature', '23.4');
  assert.is(cal.status, 0, cal.stdout + cal.stderr);
  assert.match(cal.stdout, /before: FAIL\s+after \(run 2\): PASS/);
  assert.match(cal.stdout, /written, read back: Lgain=0x[0-9a-f]{4} Lphi=/);
  // a 6..32 A meter is far beyond a 100/5 A CT's 5..120 % of 5 A: refused, never extrapolated
  const ov = cli('overall', '--results', db, '--ct', join(root, 'fixtures/calibration/ct-100-5.yaml'), '--json');
  assert.is(ov.status, 2, ov.stderr);
  assert.match(ov.stderr, /P02-PF1-I11: 11 A is 220 % of the CT's rated 5 A, outside its certificate's 5\.\.120 %/);
  const rep = cli('report', '--results', db, '--out', 'cert', '--operator', 'A. Tester');
  assert.is(rep.status, 0, rep.stderr);
  const cert = JSON.parse(readFileSync(join(dir, 'cert', 'certificate.json'), 'utf8'));
  assert.is(cert.verdict, 'pass');
  assert.is(cert.operator, 'A. Tester');
  assert.is(cert.environment.temperatureC, 23.4);
  assert.is(cert.environment.source, 'entered');
  assert.is(cert.calibration.method, 'atm90e26-registers');
  assert.match(readFileSync(join(dir, 'cert', 'certificate.html'), 'utf8'), /Verdict: PASS/);
});

test('bad usage exits 2 with a message that says what is missing', () => {
  const r = cli('run', '--plan', 'plan.yaml', '--db', join(dir, 'x.sqlite'));
  assert.is(r.status, 2);
  assert.match(r.stderr, /give --dut-model/);
});

test.run();
