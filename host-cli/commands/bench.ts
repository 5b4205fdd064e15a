// `amsgate bench ...`: the manufacturer's accuracy bench for CoP11 Asset Metering Type 5.
// plan -> run -> calibrate -> overall -> report. All maths lives in calibration/; this file parses options,
// wires the bench and prints.
import type { Command } from 'commander';
import { addPlanCommand } from './bench/plan-command.js';
import { addRunCommand } from './bench/run-command.js';
import { addCalibrateCommand } from './bench/calibrate-command.js';
import { addOverallCommand } from './bench/overall-command.js';
import { addReportCommand } from './bench/report-command.js';
import { addVerifyCommand } from './bench/verify-command.js';

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
  amsgate bench verify cert/ --key bench-key/device-key.pub.pem
See docs/bench.md for the plan format, the SCPI command set, the uncertainty budget and the decision rule.`,
    );
  addPlanCommand(bench);
  addRunCommand(bench);
  addCalibrateCommand(bench);
  addOverallCommand(bench);
  addReportCommand(bench);
  addVerifyCommand(bench);
}
