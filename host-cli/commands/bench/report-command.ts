// `amsgate bench report`: the certificate of a run (JSON, HTML, PDF).
import type { Command } from 'commander';
import { printJson } from '../../output.js';
import { systemClock } from '../../../drivers/clock.js';
import { ResultsStore } from '../../../calibration/run/results-store.js';
import { buildCertificate } from '../../../calibration/report/certificate.js';
import { writeReport } from '../../../calibration/report/write-report.js';
import { loadBenchKey } from '../../../calibration/report/sign-certificate.js';
import { renderPagesToPng } from '../../../calibration/report/render-png.js';
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
    .option('--laboratory <text>', 'laboratory named on the certificate (default: the plan\'s)')
    .option('--customer <text>', 'customer named on the certificate (default: the plan\'s)')
    .option('--approver <name>', 'person approving the certificate')
    .option('--key-dir <dir>', 'directory of the bench signing key (created on first use, mode 0600)', process.env.AMSGATE_BENCH_KEY_DIR ?? 'bench-key')
    .option('--png <dir>', 'also render every page to PNG in this directory (headless Chromium)')
    .option('--png-scale <x>', 'PNG pixels per CSS pixel (1 = 794 x 1123 per A4 page)', num('--png-scale'), 1)
    .option('--json', 'print the certificate JSON to stdout as well')
    .addHelpText(
      'after',
      `
Examples:
  amsgate bench report --results r.sqlite --out cert/ --operator "A. Tester" --approver "B. Head"
Writes certificate.json (the record), certificate.jws (it, signed with the bench key), certificate.html
(A4 pages, each with the certificate number, page x of y and the record's SHA-256) and certificate.pdf.
The environment is what "bench run" recorded (an instrument or --temperature/--humidity there), never entered here.
  amsgate bench report --results r.sqlite --run 2 --out cert-after/ --pdf`,
    )
    .action(async (o: { results: string; run?: number; out: string; pdf?: boolean; operator?: string; laboratory?: string; customer?: string; approver?: string; keyDir: string; png?: string; pngScale: number; json?: boolean }) => {
      const store = ResultsStore.openExisting(o.results);
      try {
        const run = pickRun(store, o.run, 'report');
        const cert = buildCertificate(store, run.id, { issuedAt: systemClock.now(), operator: o.operator, laboratory: o.laboratory, customer: o.customer, approver: o.approver });
        const files: Record<string, unknown> = { ...(await writeReport(cert, o.out, { pdf: o.pdf, key: loadBenchKey(o.keyDir) })) };
        if (o.png) files.png = await renderPagesToPng(files.html as string, o.png, 'page', o.pngScale);
        if (o.json) printJson({ files, certificate: cert });
        else {
          const { recordHash, png, ...paths } = files;
          process.stdout.write(`certificate ${cert.certificateId}: verdict ${cert.verdict.toUpperCase()}${cert.simulated ? ' (SIMULATED)' : ''}\n${Object.values(paths).map((f) => `  ${f}`).join('\n')}\n`);
          if (recordHash) process.stdout.write(`  signed record SHA-256 ${recordHash}\n`);
          if (Array.isArray(png)) process.stdout.write(`  ${png.length} page(s) as PNG in ${o.png}\n`);
        }
        process.exitCode = VERDICT_EXIT(cert.verdict);
      } finally {
        store.close();
      }
    });
}
