// `amsgate bench plan`: generate a plan for Table 4 / Table 5, or check an edited one.
import { Option, type Command } from 'commander';
import { ConfigError } from '../../../drivers/errors.js';
import { EXIT } from '../../exit-codes.js';
import { printJson } from '../../output.js';
import { generatePlan } from '../../../calibration/plan/generate-plan.js';
import { planToText, readPlanData, writePlanFile } from '../../../calibration/plan/plan-file.js';
import { parsePlan, validatePlan } from '../../../calibration/plan/validate-plan.js';
import { assertPlanValid, checkPlanRequest } from '../../../calibration/plan/check-plan-request.js';
import { num } from './common.js';

export function addPlanCommand(bench: Command): void {
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
    .option('--max-spread-share <share>', 'repeatability acceptance: a point whose standard deviation exceeds this share of its limit is not accepted (default 0.2, a bench choice)', num('--max-spread-share'))
    .option('--model <id>', 'DUT model to note in the plan')
    .addOption(new Option('--method <m>', 'register: read the DUT\'s energy register; pulse: count its test output pulses (coarse registers)').choices(['register', 'pulse']).default('register'))
    .option('--additional', 'also run starting current, no-load (creep) and meter constant tests (IEC 62053-21 style, additional to CoP11)')
    .option('--meter-constant <imp/kWh>', 'meter constant of the DUT\'s test output, impulses per kWh (pulse method)', num('--meter-constant'))
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
  amsgate bench plan --un 230 --in 5 --imax 65 --supply ac --phases 3 --method pulse --meter-constant 1000 --out em340.yaml
                                             pulse method for a meter with a coarse register (EM340, B23)
  amsgate bench plan --validate plan.yaml    exit 0 when it can run, 2 with one line per problem`,
    )
    .action((o: { un?: number; in?: number; imax?: number; supply?: 'ac' | 'dc'; phases: string; fn: number; reps: number; maxSpreadShare?: number; model?: string; method: 'register' | 'pulse'; meterConstant?: number; additional?: boolean; export?: boolean; out?: string; validate?: string; json?: boolean }) => {
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
      const req = { unV: o.un, inA: o.in, imaxA: o.imax, supply: o.supply, phases: Number(o.phases) as 1 | 3, fnHz: o.fn, repetitions: o.reps, model: o.model, export: o.export, method: o.method, meterConstantImpPerKWh: o.meterConstant, additional: o.additional, maxSpreadShare: o.maxSpreadShare };
      checkPlanRequest(req);
      const plan = generatePlan(req);
      assertPlanValid(plan);
      if (o.out) {
        writePlanFile(o.out, plan);
        if (o.json) printJson({ file: o.out, points: plan.points.length });
        else process.stdout.write(`wrote ${o.out}: ${plan.points.length} points against ${plan.table}\n`);
      } else if (o.json) printJson(plan);
      else process.stdout.write(planToText(plan, false));
    });
}
