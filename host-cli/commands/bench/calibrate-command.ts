// `amsgate bench calibrate`: corrections from a run, written to the chip or as a gateway factor, then a re-run.
import type { Command } from 'commander';
import { EXIT } from '../../exit-codes.js';
import { printJson, table } from '../../output.js';
import type { Plan } from '../../../calibration/plan/plan-schema.js';
import { runPlan, type RunResult } from '../../../calibration/run/run-plan.js';
import { ResultsStore } from '../../../calibration/run/results-store.js';
import type { BenchSetup } from '../../../calibration/run/bench-setup.js';
import { overallVerdict } from '../../../calibration/maths/verdict.js';
import { calibrateFromRun } from '../../../calibration/calibrate/calibrate-from-run.js';
import { rmsCheck } from '../../../calibration/calibrate/rms-check.js';
import { addBenchOptions, openBench, type BenchOpts } from './bench-options.js';
import { num, pct, pickRun, VERDICT_EXIT } from './common.js';
import { progressBar } from './print.js';

export function addCalibrateCommand(bench: Command): void {
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
      const store = ResultsStore.openExisting(o.results);
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
            compensation: out.compensation, onProgress: bar.onProgress, simulated: setup.simulated, dutPhases: setup.dutPhases,
            environment: { temperatureC: o.temperature, humidityPct: o.humidity }, onNote: (t) => process.stderr.write(`${t}\n`),
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
            if (out.factorChoice) process.stdout.write(`  chosen for the largest smallest margin to each point's own limit: ${out.factorChoice.smallestMarginPct.toFixed(3)} % (set by ${out.factorChoice.binding.join(', ')})\n`);
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
}
