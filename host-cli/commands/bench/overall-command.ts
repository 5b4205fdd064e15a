// `amsgate bench overall`: meter errors of a run combined with CT/VT certificate errors.
import type { Command } from 'commander';
import { ConfigError } from '../../../drivers/errors.js';
import { printJson, table } from '../../output.js';
import { phaseDegOf, type Plan } from '../../../calibration/plan/plan-schema.js';
import { ResultsStore } from '../../../calibration/run/results-store.js';
import { DECISION_RULE, overallVerdict } from '../../../calibration/maths/verdict.js';
import { readTransformerCertificate } from '../../../calibration/overall/transformer-certificate.js';
import { overallCheck } from '../../../calibration/overall/overall-check.js';
import { num, pct, pickRun, VERDICT_EXIT } from './common.js';

export function addOverallCommand(bench: Command): void {
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
      const store = ResultsStore.openExisting(o.results);
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
}
