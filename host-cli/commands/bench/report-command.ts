// `amsgate bench report`: the certificate of a run (JSON, HTML, PDF).
import type { Command } from 'commander';
import { printJson } from '../../output.js';
import { ResultsStore } from '../../../calibration/run/results-store.js';
import { buildCertificate } from '../../../calibration/report/certificate.js';
import { writeReport } from '../../../calibration/report/write-report.js';
import { num, pickRun, VERDICT_EXIT } from './common.js';

export function addReportCommand(bench: Command): void {
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
