// `amsgate bench run`: run a plan on a simulated or real bench.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { ConfigError } from '../../../drivers/errors.js';
import { OutputLiveError } from '../../../calibration/instruments/instrument-error.js';
import { describeEnvironment } from '../../../calibration/maths/reference-conditions.js';
import { EXIT } from '../../exit-codes.js';
import { printJson } from '../../output.js';
import { loadPlan } from '../../../calibration/plan/plan-file.js';
import { runPlan, RunAborted } from '../../../calibration/run/run-plan.js';
import { ResultsStore } from '../../../calibration/run/results-store.js';
import { DECISION_RULE } from '../../../calibration/maths/verdict.js';
import { addBenchOptions, openBench, type BenchOpts } from './bench-options.js';
import { num, VERDICT_EXIT } from './common.js';
import { pointsTable, progressBar } from './print.js';

export function addRunCommand(bench: Command): void {
  addBenchOptions(
    bench
      .command('run')
      .description('run a plan: settle, measure, repeat, and judge every point; results go to SQLite as they are measured')
      .requiredOption('--plan <file>', 'plan file (from "bench plan")')
      .option('--db <file>', 'results database', 'bench-results.sqlite')
      .option('--label <name>', 'label of this run in the database', 'run')
      .option('--resume', 'continue the unfinished run with this label at its next point (refused when the plan, device, source or reference differ)')
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
  amsgate bench run --plan em340.yaml --simulate --dut-model em340      pulse method (plan --method pulse)
  amsgate bench run --plan plan.yaml --dut-model sdm120 --dut-tcp 10.0.0.5:502 --source /dev/ttyUSB1 --reference manual
Ctrl-C stops after the current repetition; --resume continues at the next unfinished point.
Environment: read from the reference standard where it has sensors (MEAS:TEMP?/MEAS:HUM?), or give
--temperature/--humidity; otherwise "not recorded", and a run without conditions cannot pass (nor one
outside the plan's reference conditions, 23 +- 2 C unless the plan says otherwise).
Exit codes: 0 all points pass, 1 a point failed or is inconclusive, 2 bad plan/options,
3 an instrument or the DUT unreachable or refusing a command (also: the output may still be live).
Decision rule: ${DECISION_RULE}`,
    )
    .action(async (o: BenchOpts & { plan: string; db: string; label: string; resume?: boolean; dwellScale: number; progress: boolean; json?: boolean }) => {
      const { plan, issues } = loadPlan(o.plan);
      for (const i of issues) process.stderr.write(`${i.severity}: ${i.where}: ${i.message}\n`);
      if (o.resume && !existsSync(o.db)) throw new ConfigError('nothing-to-resume', `nothing to resume: no results database ${o.db} (--db); run without --resume to start a run`);
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
        const res = await runPlan({
          plan, source: setup.source, reference: setup.reference, dut: setup.dut, store, clock: setup.clock, label: o.label, resume: o.resume,
          dwellScale: o.dwellScale, signal: ac.signal, onProgress: bar.onProgress, simulated: setup.simulated, dutPhases: setup.dutPhases,
          environment: { temperatureC: o.temperature, humidityPct: o.humidity },
          onNote: (t) => process.stderr.write(`${t}\n`),
        });
        bar.stop();
        if (o.json) printJson({ db: o.db, ...res, decisionRule: DECISION_RULE });
        else {
          process.stdout.write(`${pointsTable(plan, res)}\n\n`);
          if (res.resumed) process.stdout.write(`resumed run ${res.runId}: ${res.skippedPoints.length} finished point(s) kept\n`);
          const env = describeEnvironment(res.environment);
          process.stdout.write(`conditions: ${env.temperature}, ${env.humidity}; ${res.withinReference === null ? 'reference conditions NOT DEMONSTRATED' : res.withinReference ? 'within' : 'OUTSIDE'} reference conditions ${plan.environment.referenceTemperatureC} +- ${plan.environment.toleranceC} C\n`);
          process.stdout.write(`run ${res.runId} in ${o.db}: verdict ${res.verdict.toUpperCase()}\nDecision rule: ${DECISION_RULE}\n`);
        }
        process.exitCode = VERDICT_EXIT(res.verdict);
      } catch (e) {
        bar.stop();
        if (e instanceof OutputLiveError) process.stderr.write(`\n*** ${e.message} ***\n\n`);
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
}
