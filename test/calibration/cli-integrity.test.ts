// `amsgate bench` integrity at the command line: plan flags checked with one-line errors, no new database
// for a mistyped --results, --resume with nothing to resume, phase count, an instrument refusal is exit 3,
// and a simulated run's certificate says SIMULATED with real times.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const main = join(root, 'host-cli', 'main.ts');
const tsx = import.meta.resolve('tsx');
const dir = mkdtempSync(join(tmpdir(), 'amsgate-bench-int-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, TMPDIR: dir };
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', tsx, main, 'bench', ...args], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
const ratings = ['--un', '230', '--in', '6', '--imax', '32', '--supply', 'ac'];

test('bench plan: bad numbers give one line naming the flag, and nothing is written', () => {
  for (const [flag, value, re] of [
    ['--reps', '2', /--reps 2: .*at least 3/],
    ['--reps', '2.5', /--reps 2\.5: .*whole number/],
    ['--fn', '60', /--fn 60: .*49\.\.51 Hz/],
    ['--imax', '4', /--imax 4: .*--in 6/],
    ['--un', '-230', /--un -230: .*positive/],
  ] as const) {
    const r = cli('plan', ...ratings, flag, value, '--out', 'bad.yaml');
    assert.is(r.status, 2, `${flag} ${value}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, re);
    assert.is(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.not.ok(existsSync(join(dir, 'bad.yaml')));
  }
});

test('a mistyped --results is an error, not a new empty database', () => {
  for (const sub of [['report', '--out', 'c'], ['overall', '--ct', join(root, 'fixtures/calibration/ct-100-5.yaml')], ['calibrate', '--simulate', '--in-process']]) {
    const r = cli(sub[0]!, '--results', 'typo.sqlite', ...sub.slice(1));
    assert.is(r.status, 2, `${sub[0]}: ${r.stderr}`);
    assert.match(r.stderr, /no results database typo\.sqlite/);
    assert.not.ok(existsSync(join(dir, 'typo.sqlite')), `${sub[0]} created it`);
  }
});

test('--resume with nothing to resume exits 2 and starts nothing', () => {
  assert.is(cli('plan', ...ratings, '--phases', '1', '--out', 'plan.yaml').status, 0);
  const r = cli('run', '--plan', 'plan.yaml', '--simulate', '--in-process', '--db', 'empty.sqlite', '--resume');
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /nothing to resume/);
});

test('a three-phase DUT on a single-phase plan is refused before energy flows', () => {
  const r = cli('run', '--plan', 'plan.yaml', '--simulate', '--dut-model', 'sdm630', '--db', 'ph.sqlite');
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /3-phase .* 1-phase plan/);
});

test('an instrument that refuses a command is exit 3, and the output was switched off', () => {
  assert.is(cli('plan', '--un', '500', '--in', '6', '--imax', '32', '--supply', 'dc', '--out', 'hv.yaml').status, 0);
  const r = cli('run', '--plan', 'hv.yaml', '--simulate', '--speed', '4000', '--db', 'hv.sqlite', '--no-progress');
  assert.is(r.status, 3, r.stderr);
  assert.match(r.stderr, /refused "SOUR:VOLT 500"/);
  assert.match(r.stderr, /output switched off/);
});

test('a simulated run: SIMULATED in the certificate, times are real', () => {
  const t0 = Date.now();
  const run = cli('run', '--plan', 'plan.yaml', '--simulate', '--in-process', '--db', 'sim.sqlite', '--json');
  assert.is(run.status, 0, run.stderr);
  const rep = cli('report', '--results', 'sim.sqlite', '--out', 'cert');
  assert.is(rep.status, 0, rep.stderr);
  const t1 = Date.now();
  const cert = JSON.parse(readFileSync(join(dir, 'cert', 'certificate.json'), 'utf8'));
  assert.is(cert.simulated, true);
  for (const t of [cert.issuedAt, cert.run.startedAt, cert.run.finishedAt]) {
    const ms = Date.parse(t);
    assert.ok(ms >= Math.floor(t0 / 1000) * 1000 && ms <= t1, `${t} not within the real time of the test`);
  }
  assert.match(readFileSync(join(dir, 'cert', 'certificate.html'), 'utf8'), /SIMULATED/);
});

test.run();
