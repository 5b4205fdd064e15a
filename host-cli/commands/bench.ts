// `amsgate bench ...`: the manufacturer's accuracy bench for CoP11 Asset Metering Type 5.
// plan -> run -> calibrate -> overall -> report. All maths lives in calibration/; this file parses options,
// wires the bench and prints.
import { Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { createInterface } from 'node:readline/promises';
import { ConfigError } from '../../drivers/errors.js';
import { catalog, parseConnection, type Parity } from '../../drivers/catalog.js';
import { EXIT } from '../exit-codes.js';
import { printJson, table } from '../output.js';
import { generatePlan } from '../../calibration/plan/generate-plan.js';
import { loadPlan, planToText, readPlanData, writePlanFile } from '../../calibration/plan/plan-file.js';
import { parsePlan, validatePlan } from '../../calibration/plan/validate-plan.js';
import { phaseDegOf, type Plan } from '../../calibration/plan/plan-schema.js';
import { runPlan, RunAborted, type ProgressEvent, type RunResult } from '../../calibration/run/run-plan.js';
import { ResultsStore, type RunRow } from '../../calibration/run/results-store.js';
import { realSetup, simulatedSetup, IN_PROCESS_MODELS, type BenchSetup } from '../../calibration/run/bench-setup.js';
import { DECISION_RULE, overallVerdict, type Verdict } from '../../calibration/maths/verdict.js';
import { calibrateFromRun } from '../../calibration/calibrate/calibrate-from-run.js';
import { rmsCheck } from '../../calibration/calibrate/rms-check.js';
import { buildCertificate } from '../../calibration/report/certificate.js';
import { writeReport } from '../../calibration/report/write-report.js';
import { readTransformerCertificate } from '../../calibration/overall/transformer-certificate.js';
import { overallCheck } from '../../calibration/overall/overall-check.js';
import { PRESET_CURVES } from '../../calibration/sim/dut-error-curves.js';

const num = (name: string) => (v: string): number => {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new ConfigError('option', `${name} needs a number; got "${v}"`);
  return x;
};

const pct = (x: number, d = 3): string => (x >= 0 ? '+' : '') + x.toFixed(d);
const VERDICT_EXIT = (v: Verdict): number => (v === 'pass' ? EXIT.ok : EXIT.failed);

function pointsTable(plan: Plan, r: { points: RunResult['points'] }): string {
  const byId = new Map(plan.points.map((p) => [p.id, p]));
  return table(
    ['point', 'I (A)', 'U (V)', 'PF', 'f (Hz)', 'n', 't (s)', 'error %', 's %', 'U k=2 %', 'limit %', 'verdict'],
    r.points.map((row) => {
      const p = byId.get(row.pointId)!;
      return [
        row.pointId,
        p.currentA,
        p.voltageV,
        (p.pfKind === 'dc' ? 'dc' : p.pfKind === 'unity' ? '1' : `${p.pf} ${p.pfKind}`) + (p.direction === 'export' ? ' exp' : ''),
        p.frequencyHz ?? '-',
        row.n,
        row.durationS,
        pct(row.meanErrorPct),
        row.stdDevPct.toFixed(3),
        row.expandedPct.toFixed(3),
        `+-${row.limitPct}`,
        row.verdict.toUpperCase(),
      ];
    }),
  );
}

function progressBar(enabled: boolean): { onProgress?: (e: ProgressEvent) => void; stop(): void } {
  if (!enabled || !process.stderr.isTTY) return { stop() {} };
  const bar = new SingleBar(
    {
      format: 'point {point} ({index}/{count}) rep {rep}/{reps} |{bar}| {percentage}% | bench time left {left} | last {last}',
      stream: process.stderr,
      hideCursor: true,
    },
  );
  let started = false;
  return {
    onProgress(e) {
      const total = e.pointCount * (e.reps + 1);
      const value = e.pointIndex * (e.reps + 1) + (e.phase === 'settle' ? 0 : e.rep + (e.phase === 'done' || e.phase === 'skipped' ? 1 : 0));
      const left = `${Math.floor(e.secondsLeft / 3600)}h${String(Math.floor((e.secondsLeft % 3600) / 60)).padStart(2, '0')}m${String(Math.floor(e.secondsLeft % 60)).padStart(2, '0')}s`;
      const payload = { point: e.pointId, index: e.pointIndex + 1, count: e.pointCount, rep: e.rep, reps: e.reps, left, last: e.lastErrorPct === undefined ? '-' : `${pct(e.lastErrorPct)} %` };
      if (!started) {
        bar.start(total, value, payload);
        started = true;
      } else bar.update(value, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function addBenchOptions(c: Command): Command {
  return c
    .option('--simulate', 'start a simulated source, reference standard and DUT (no hardware)')
    .option('--dut-model <id>', `DUT model: ${[...catalog.keys()].join(', ')}; in simulation also ${IN_PROCESS_MODELS.join(', ')} (default sim-meter)`)
    .option('--dut-tcp <host:port>', 'DUT over Modbus TCP')
    .option('--dut-serial <path>', 'DUT on a serial port')
    .option('--dut-baud <n>', 'DUT serial baud rate', num('--dut-baud'))
    .addOption(new Option('--dut-parity <p>', 'DUT serial parity').choices(['none', 'even', 'odd']))
    .option('--dut-unit <n>', 'DUT Modbus unit id', num('--dut-unit'))
    .option('--source <port>', 'serial port of the programmable source')
    .option('--reference <port|manual>', 'serial port of the reference standard, or "manual" to type its readings')
    .option('--instrument-baud <n>', 'baud rate of the instruments', num('--instrument-baud'), 115200)
    .option('--dut-error <curve>', `simulated DUT error curve: ${PRESET_CURVES.join(', ')} or a YAML/JSON file`, 'pass')
    .option('--chip-gain-error <fraction>', 'simulated chip gain error before calibration (sim-atm90e26, atm90e26)', num('--chip-gain-error'), 0.03)
    .option('--chip-phase-error <deg>', 'simulated chip phase error before calibration, degrees', num('--chip-phase-error'), 0.6)
    .option('--speed <n>', 'simulated bench clock speed (pty simulation)', num('--speed'), 2000)
    .option('--in-process', 'simulate without ptys on a virtual clock (fastest; in-process DUT models only)')
    .option('--seed <n>', 'seed of the simulated noise', num('--seed'))
    .option('--ref-error <fraction>', 'simulated reference standard systematic error (default 0.0001)', num('--ref-error'))
    .option('--ref-noise <fraction>', 'simulated reference read noise, standard deviation (default 0.0002)', num('--ref-noise'))
    .option('--source-error <fraction>', 'simulated source setting error (default 0.001)', num('--source-error'));
}

interface BenchOpts {
  simulate?: boolean;
  dutModel?: string;
  dutTcp?: string;
  dutSerial?: string;
  dutBaud?: number;
  dutParity?: Parity;
  dutUnit?: number;
  source?: string;
  reference?: string;
  instrumentBaud: number;
  dutError: string;
  chipGainError: number;
  chipPhaseError: number;
  speed: number;
  inProcess?: boolean;
  seed?: number;
  refError?: number;
  refNoise?: number;
  sourceError?: number;
}

async function openBench(plan: Plan, o: BenchOpts): Promise<BenchSetup> {
  if (o.simulate) {
    return simulatedSetup(plan, {
      dutModel: o.dutModel ?? 'sim-meter',
      dutError: o.dutError,
      chipGainError: o.chipGainError,
      chipPhaseErrorDeg: o.chipPhaseError,
      speed: o.speed,
      inProcess: !!o.inProcess,
      seed: o.seed,
      referenceError: o.refError,
      referenceNoise: o.refNoise,
      sourceError: o.sourceError,
    });
  }
  if (!o.dutModel) throw new ConfigError('bench-options', 'give --dut-model (a catalog model id) or --simulate');
  if (!o.source) throw new ConfigError('bench-options', 'give --source PORT (the programmable source) or --simulate');
  if (!o.reference) throw new ConfigError('bench-options', 'give --reference PORT, or --reference manual to type readings, or --simulate');
  let rl: ReturnType<typeof createInterface> | null = null;
  const ask = async (q: string): Promise<string> => {
    rl ??= createInterface({ input: process.stdin, output: process.stderr });
    return rl.question(q);
  };
  const setup = await realSetup({
    dutModel: o.dutModel,
    dutConn: parseConnection({ tcp: o.dutTcp, serial: o.dutSerial, baud: o.dutBaud, parity: o.dutParity }),
    dutUnit: o.dutUnit,
    source: o.source,
    reference: o.reference,
    baudRate: o.instrumentBaud,
    ask,
  });
  return { ...setup, close: async () => { (rl as ReturnType<typeof createInterface> | null)?.close(); await setup.close(); } };
}

function pickRun(store: ResultsStore, id: number | undefined, what: string): RunRow {
  const run = id !== undefined ? store.run(id) : store.latestFinishedRun();
  if (!run) {
    throw new ConfigError('no-run', id !== undefined ? `no run ${id} in the results database` : `no finished run in the results database to ${what}; run "amsgate bench run" first`);
  }
  return run;
}

export function register(program: Command): void {
  const bench = program
    .command('bench')
    .description('Accuracy bench for CoP11 Asset Metering Type 5: test plans, runs, calibration, CT/VT overall accuracy, certificates')
    .addHelpText(
      'after',
      `
Workflow:
  amsgate bench plan --un 230 --in 6 --imax 32 --supply ac --phases 1 --out plan.yaml
  amsgate bench plan --validate plan.yaml
  amsgate bench run --plan plan.yaml --simulate --dut-error fail-low-current --db results.sqlite
  amsgate bench calibrate --results results.sqlite --simulate --dut-model sim-atm90e26
  amsgate bench report --results results.sqlite --out cert/ --pdf
See docs/bench.md for the plan format, the SCPI command set, the uncertainty budget and the decision rule.`,
    );

  bench
    .command('plan')
    .description('generate a test plan covering CoP11 Type 5 Table 4 (a.c.) or Table 5 (d.c.), or check an edited one')
    .option('--un <V>', 'nominal voltage Un (V)', num('--un'))
    .option('--in <A>', 'In: lowest current of the accuracy range (A)', num('--in'))
    .option('--imax <A>', 'Imax: highest current (A)', num('--imax'))
    .addOption(new Option('--supply <kind>', 'a.c. or d.c. device').choices(['ac', 'dc']))
    .addOption(new Option('--phases <n>', 'number of phases').choices(['1', '3']).default('1'))
    .option('--fn <Hz>', 'nominal frequency (a.c.)', num('--fn'), 50)
    .option('--reps <n>', 'repetitions per point (>= 3)', num('--reps'), 3)
    .option('--model <id>', 'DUT model to note in the plan')
    .option('--export', 'also test export (reverse energy flow: battery discharge, V2G) at every current and PF')
    .option('--out <file>', 'write the plan here (.yaml or .json); otherwise print it')
    .option('--validate <file>', 'check an edited plan instead of generating one')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  amsgate bench plan --un 230 --in 6 --imax 32 --supply ac --phases 1 --out plan.yaml   16 points
  amsgate bench plan --un 400 --in 2 --imax 50 --supply dc --json                       6 points
  amsgate bench plan --un 230 --in 6 --imax 32 --supply ac --export --out plan.yaml      28 points (import + export)
  amsgate bench plan --validate plan.yaml    exit 0 when it can run, 2 with one line per problem`,
    )
    .action((o: { un?: number; in?: number; imax?: number; supply?: 'ac' | 'dc'; phases: string; fn: number; reps: number; model?: string; export?: boolean; out?: string; validate?: string; json?: boolean }) => {
      if (o.validate) {
        const parsed = parsePlan(readPlanData(o.validate));
        const issues = parsed.plan ? validatePlan(parsed.plan) : parsed.issues;
        const errors = issues.filter((i) => i.severity === 'error');
        if (o.json) printJson({ file: o.validate, ok: errors.length === 0, issues });
        else {
          for (const i of issues) process.stdout.write(`${i.severity}: ${i.where}: ${i.message}\n`);
          process.stdout.write(errors.length === 0 ? `${o.validate}: OK (${parsed.plan!.points.length} points, ${issues.length} warning(s))\n` : `${o.validate}: ${errors.length} error(s)\n`);
        }
        process.exitCode = errors.length === 0 ? EXIT.ok : EXIT.usage;
        return;
      }
      if (o.un === undefined || o.in === undefined || o.imax === undefined || !o.supply) {
        throw new ConfigError('plan-options', 'give --un, --in, --imax and --supply ac|dc (or --validate FILE)');
      }
      const plan = generatePlan({ unV: o.un, inA: o.in, imaxA: o.imax, supply: o.supply, phases: Number(o.phases) as 1 | 3, fnHz: o.fn, repetitions: o.reps, model: o.model, export: o.export });
      if (o.out) {
        writePlanFile(o.out, plan);
        if (o.json) printJson({ file: o.out, points: plan.points.length });
        else process.stdout.write(`wrote ${o.out}: ${plan.points.length} points against ${plan.table}\n`);
      } else if (o.json) printJson(plan);
      else process.stdout.write(planToText(plan, false));
    });

  addBenchOptions(
    bench
      .command('run')
      .description('run a plan: settle, measure, repeat, and judge every point; results go to SQLite as they are measured')
      .requiredOption('--plan <file>', 'plan file (from "bench plan")')
      .option('--db <file>', 'results database', 'bench-results.sqlite')
      .option('--label <name>', 'label of this run in the database', 'run')
      .option('--resume', 'continue the unfinished run of this plan at its next point')
      .option('--dwell-scale <x>', 'multiply every dwell by x (dry runs only; below 1 invalidates the resolution rule)', num('--dwell-scale'), 1)
      .option('--no-progress', 'no progress bar')
      .option('--json', 'print the results as JSON'),
  )
    .addHelpText(
      'after',
      `
Examples:
  amsgate bench run --plan plan.yaml --simulate --db r.sqlite                         simulated, passes
  amsgate bench run --plan plan.yaml --simulate --dut-error fail-low-current --db r.sqlite
  amsgate bench run --plan plan.yaml --simulate --dut-model sdm630 --dut-error on-limit
  amsgate bench run --plan plan.yaml --dut-model sdm630 --dut-serial /dev/ttyUSB0 \\
      --source /dev/ttyUSB1 --reference /dev/ttyUSB2 --db r.sqlite --resume
  amsgate bench run --plan plan.yaml --dut-model em340 --dut-tcp 10.0.0.5:502 --source /dev/ttyUSB1 --reference manual
Ctrl-C stops after the current repetition; --resume continues at the next unfinished point.
Exit codes: 0 all points pass, 1 a point failed or is inconclusive, 2 bad plan/options, 3 instrument or DUT unreachable.
Decision rule: ${DECISION_RULE}`,
    )
    .action(async (o: BenchOpts & { plan: string; db: string; label: string; resume?: boolean; dwellScale: number; progress: boolean; json?: boolean }) => {
      const { plan, issues } = loadPlan(o.plan);
      for (const i of issues) process.stderr.write(`${i.severity}: ${i.where}: ${i.message}\n`);
      const setup = await openBench(plan, o);
      const store = new ResultsStore(o.db);
      const ac = new AbortController();
      const onSigint = () => {
        process.stderr.write('\nstopping after this repetition (Ctrl-C again to kill)...\n');
        ac.abort();
        process.once('SIGINT', () => process.exit(130));
      };
      process.once('SIGINT', onSigint);
      // The progress bar would overwrite the manual reference's prompts.
      const bar = progressBar(o.progress && !o.json && o.reference !== 'manual');
      if (!o.json) process.stderr.write(`${setup.describe}\n`);
      try {
        const res = await runPlan({ plan, source: setup.source, reference: setup.reference, dut: setup.dut, store, clock: setup.clock, label: o.label, resume: o.resume, dwellScale: o.dwellScale, signal: ac.signal, onProgress: bar.onProgress });
        bar.stop();
        if (o.json) printJson({ db: o.db, ...res, decisionRule: DECISION_RULE });
        else {
          process.stdout.write(`${pointsTable(plan, res)}\n\n`);
          if (res.resumed) process.stdout.write(`resumed run ${res.runId}: ${res.skippedPoints.length} finished point(s) kept\n`);
          process.stdout.write(`run ${res.runId} in ${o.db}: verdict ${res.verdict.toUpperCase()}\nDecision rule: ${DECISION_RULE}\n`);
        }
        process.exitCode = VERDICT_EXIT(res.verdict);
      } catch (e) {
        bar.stop();
        if (e instanceof RunAborted) {
          process.stderr.write(`${e.message}\n`);
          process.exitCode = EXIT.failed;
          return;
        }
        throw e;
      } finally {
        process.off('SIGINT', onSigint);
        store.close();
        await setup.close();
      }
    });

  addBenchOptions(
    bench
      .command('calibrate')
      .description('derive gain and phase corrections from a run, write them (chip registers) or print a calibration factor, then re-run the plan')
      .requiredOption('--results <db>', 'results database of the run to calibrate from')
      .option('--run <id>', 'run id (default: the newest finished run)', num('--run'))
      .option('--no-rerun', 'do not re-run the plan after calibrating')
      .option('--no-progress', 'no progress bar')
      .option('--json', 'print JSON'),
  )
    .addHelpText(
      'after',
      `
Gain comes from the PF 1 points (a factor that centres their errors), phase from the PF 0.5 lag / 0.8 lead
points (exact form of error ~ tan(phi) x dphi, after removing the gain at the same current).
ATM90E26 DUTs get new Lgain/Lphi/Ugain/IgainL written and read back; other meters get a calibrationFactor
(exact decimal) for the gateway's compensation config.
Examples:
  amsgate bench calibrate --results r.sqlite --simulate --dut-model sim-atm90e26
  amsgate bench calibrate --results r.sqlite --simulate --dut-error fail-low-current
  amsgate bench calibrate --results r.sqlite --dut-model atm90e26 --dut-serial /dev/ttyUSB0 --source /dev/ttyUSB1 --reference /dev/ttyUSB2`,
    )
    .action(async (o: BenchOpts & { results: string; run?: number; rerun: boolean; progress: boolean; json?: boolean }) => {
      const store = new ResultsStore(o.results);
      let setup: BenchSetup | null = null;
      try {
        const before = pickRun(store, o.run, 'calibrate from');
        const plan = JSON.parse(before.planJson) as Plan;
        setup = await openBench(plan, o);
        // RMS gains: the chip's Urms/Irms against the source at Un, 50 % Imax, PF 1.
        const rms = setup.chip ? await rmsCheck(plan, setup.source, setup.reference, setup.dut, setup.clock) : null;
        const out = await calibrateFromRun({ store, runId: before.id, chip: setup.chip ?? undefined, rms, at: setup.clock.now() });
        let after: RunResult | null = null;
        if (o.rerun) {
          const bar = progressBar(o.progress && !o.json && o.reference !== 'manual');
          after = await runPlan({
            plan, source: setup.source, reference: setup.reference, dut: setup.dut, store, clock: setup.clock, label: 'after',
            deviceFactor: out.calibrationFactor ? Number(out.calibrationFactor) : 1, onProgress: bar.onProgress,
          });
          bar.stop();
          store.setCalibrationAfterRun(out.calibrationId, after.runId);
        }
        const beforePts = store.points(before.id);
        if (o.json) printJson({ ...out, afterRun: after });
        else {
          process.stdout.write(`calibration from run ${before.id}: ${out.method}\n`);
          process.stdout.write(`  gain factor ${out.corrections.gainFactor.toFixed(6)}, phase error ${out.corrections.phaseErrorDeg === null ? '-' : `${out.corrections.phaseErrorDeg.toFixed(4)} deg`}\n`);
          if (out.registers) {
            const hex = (r: Record<string, number>) => Object.entries(r).map(([k, v]) => `${k}=0x${v.toString(16).padStart(4, '0')}`).join(' ');
            process.stdout.write(`  registers before:    ${hex({ ...out.registers.before })}\n  written, read back: ${hex({ ...out.registers.readBack })}\n`);
          }
          if (out.calibrationFactor) {
            process.stdout.write(`  gateway compensation: calibrationFactor: "${out.calibrationFactor}"\n`);
            if (out.uncorrectedPhaseDeg && Math.abs(out.uncorrectedPhaseDeg) > 0.05) process.stdout.write(`  note: a phase error of ${out.uncorrectedPhaseDeg.toFixed(3)} deg remains; a factor cannot correct it\n`);
          }
          if (after) {
            const afterById = new Map(after.points.map((p) => [p.pointId, p]));
            process.stdout.write(
              `\n${table(
                ['point', 'before %', 'verdict', 'after %', 'verdict'],
                beforePts.map((b) => {
                  const a = afterById.get(b.pointId);
                  return [b.pointId, pct(b.meanErrorPct), b.verdict.toUpperCase(), a ? pct(a.meanErrorPct) : '-', a ? a.verdict.toUpperCase() : '-'];
                }),
              )}\n\nbefore: ${overallVerdict(beforePts.map((p) => p.verdict)).toUpperCase()}  after (run ${after.runId}): ${after.verdict.toUpperCase()}\n`,
            );
          }
        }
        process.exitCode = after ? VERDICT_EXIT(after.verdict) : EXIT.ok;
      } finally {
        store.close();
        await setup?.close();
      }
    });

  bench
    .command('overall')
    .description('overall accuracy of a CT/VT-connected installation: the meter errors of a run combined with CT and VT certificate errors')
    .requiredOption('--results <db>', 'results database')
    .option('--run <id>', 'run id (default: the newest finished run)', num('--run'))
    .option('--ct <file>', 'CT certificate (YAML/JSON): ratedSecondary, points [{percentRated, ratioErrorPct, phaseMinutes}]')
    .option('--vt <file>', 'VT certificate, same shape (percentRated of the rated secondary voltage)')
    .option('--limit <pct>', 'judge against this limit instead of each point\'s', num('--limit'))
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Per point: P_meas/P_true = (1+e_CT)(1+e_VT) cos(phi - d_CT + d_VT)/cos(phi), times (1 + meter error);
phase displacements positive when the secondary leads (standards.md 8.1). U combines the meter's U and
the certificates' uncertainties root-sum-square.
Example:
  amsgate bench overall --results r.sqlite --ct fixtures/calibration/ct-100-5.yaml --vt fixtures/calibration/vt-11kv.yaml`,
    )
    .action((o: { results: string; run?: number; ct?: string; vt?: string; limit?: number; json?: boolean }) => {
      if (!o.ct && !o.vt) throw new ConfigError('overall-options', 'give --ct FILE and/or --vt FILE');
      const store = new ResultsStore(o.results);
      try {
        const run = pickRun(store, o.run, 'combine');
        const plan = JSON.parse(run.planJson) as Plan;
        const byId = new Map(plan.points.map((p) => [p.id, p]));
        const ct = o.ct ? readTransformerCertificate(o.ct, 'ct') : null;
        const vt = o.vt ? readTransformerCertificate(o.vt, 'vt') : null;
        const res = overallCheck(
          store.points(run.id).map((r) => {
            const p = byId.get(r.pointId)!;
            return { id: r.pointId, currentA: p.currentA, voltageV: p.voltageV, phaseDeg: phaseDegOf(p), meterErrorPct: r.meanErrorPct, meterExpandedPct: r.expandedPct, limitPct: o.limit ?? r.limitPct };
          }),
          ct,
          vt,
        );
        const verdict = overallVerdict(res.map((r) => r.verdict));
        if (o.json) printJson({ run: run.id, ct, vt, points: res, verdict, decisionRule: DECISION_RULE });
        else {
          process.stdout.write(
            `${table(
              ['point', 'meter %', 'CT ratio %', "CT '", 'VT ratio %', "VT '", 'CT+VT %', 'overall %', 'U %', 'limit %', 'verdict'],
              res.map((r) => [r.id, pct(r.meterErrorPct), r.ct ? pct(r.ct.ratioErrorPct) : '-', r.ct ? r.ct.phaseMinutes.toFixed(1) : '-', r.vt ? pct(r.vt.ratioErrorPct) : '-', r.vt ? r.vt.phaseMinutes.toFixed(1) : '-', pct(r.transformerErrorPct), pct(r.overallErrorPct), r.expandedPct.toFixed(3), `+-${r.limitPct}`, r.verdict.toUpperCase()]),
            )}\n\noverall verdict ${verdict.toUpperCase()}\n`,
          );
        }
        process.exitCode = VERDICT_EXIT(verdict);
      } finally {
        store.close();
      }
    });

  bench
    .command('report')
    .description('certificate of a run: JSON and a self-contained HTML page with an error plot; PDF through headless Chromium')
    .requiredOption('--results <db>', 'results database')
    .option('--run <id>', 'run id (default: the newest finished run)', num('--run'))
    .option('--out <dir>', 'output directory', 'bench-certificate')
    .option('--pdf', 'also print certificate.pdf with headless Chromium (Debian package chromium)')
    .option('--operator <name>', 'operator named on the certificate (default: the plan\'s)')
    .option('--temperature <C>', 'ambient temperature, deg C', num('--temperature'))
    .option('--humidity <pct>', 'relative humidity, %', num('--humidity'))
    .option('--json', 'print the certificate JSON to stdout as well')
    .addHelpText(
      'after',
      `
Examples:
  amsgate bench report --results r.sqlite --out cert/ --operator "A. Tester" --temperature 23.1
  amsgate bench report --results r.sqlite --run 2 --out cert-after/ --pdf`,
    )
    .action(async (o: { results: string; run?: number; out: string; pdf?: boolean; operator?: string; temperature?: number; humidity?: number; json?: boolean }) => {
      const store = new ResultsStore(o.results);
      try {
        const run = pickRun(store, o.run, 'report');
        const env: Record<string, unknown> = {};
        if (o.temperature !== undefined) env.temperatureC = o.temperature;
        if (o.humidity !== undefined) env.humidityPct = o.humidity;
        const cert = buildCertificate(store, run.id, { issuedAt: Date.now(), operator: o.operator, environment: env });
        const files = await writeReport(cert, o.out, { pdf: o.pdf });
        if (o.json) printJson({ files, certificate: cert });
        else process.stdout.write(`certificate ${cert.certificateId}: verdict ${cert.verdict.toUpperCase()}\n${Object.values(files).map((f) => `  ${f}`).join('\n')}\n`);
        process.exitCode = VERDICT_EXIT(cert.verdict);
      } finally {
        store.close();
      }
    });
}
