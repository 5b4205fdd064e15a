// `amsgate dc`: the head-end's data collector job (seeds/003: collection, validation, estimation and submission).
// Collection is `amsgate collect`; this command validates, estimates and keeps the outcomes in the store's dc_*
// tables (docs/data-collector.md), where the console and later submissions read them.
import type { Command } from 'commander';
import { systemClock } from '../../drivers/clock.js';
import { ConfigError } from '../../drivers/errors.js';
import { parseDateOption } from '../collector/registry.js';
import { openDcDb } from '../dc/dc-db.js';
import { meters, sessions } from '../dc/dc-inputs.js';
import { replaceByActual, saveEstimates, saveVerdicts } from '../dc/dc-tables.js';
import { estimateSeries, type Estimate } from '../dc/estimation/estimate.js';
import { seriesData, seriesOf } from '../dc/series.js';
import { validateRange } from '../dc/validation/validate-series.js';
import { loadExportIntervals } from '../exports/export-source.js';
import { EXIT } from '../exit-codes.js';
import { printJson, table } from '../output.js';
import { provingDueMap } from '../dc/mtd/proving-state.js';
import { registerRunCommands } from '../dc/settlement/run-commands.js';
import { registerMtdCommand } from '../dc/mtd/mtd-command.js';

interface DcOpts {
  db: string;
  device?: string;
  from: string;
  to: string;
  gatewayConfig?: string[];
  sessions?: string;
  json?: boolean;
}

const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();

function range(o: DcOpts): { fromMs: number; toMs: number } {
  const fromMs = parseDateOption(o.from, '--from');
  const toMs = parseDateOption(o.to, '--to');
  if (!(fromMs < toMs)) throw new ConfigError('bad-range', `--from ${o.from} is not before --to ${o.to}`);
  if (toMs - fromMs > 400 * DAY) throw new ConfigError('bad-range', `--from .. --to covers more than 400 days; split the run`);
  return { fromMs, toMs };
}

const common = (c: Command): Command =>
  c
    .requiredOption('--db <path|url>', 'collector store (SQLite path or postgres:// URL)')
    .option('--device <id>', 'one gateway only')
    .requiredOption('--from <date>', 'first half hour (YYYY-MM-DD = 00:00 UTC, or ISO)')
    .requiredOption('--to <date>', 'end, exclusive')
    .option('--gateway-config <file...>', 'gateway configuration file(s): limits, role, compensation of each meter')
    .option('--json', 'print JSON');

export function register(program: Command): void {
  const dc = program
    .command('dc')
    .description('Data collector: validation, estimation, settlement run submissions, technical details and proving-test state per AMSID, kept in the store')
    .addHelpText('after', `
Examples:
  amsgate dc validate --db collector.sqlite --from 2026-10-25 --to 2026-10-26 --gateway-config gw1.yaml --sessions ocpp.json
  amsgate dc estimate --db collector.sqlite --from 2026-10-25 --to 2026-10-26 --gateway-config gw1.yaml
  amsgate dc runs --date 2026-10-25 --db collector.sqlite
  amsgate dc submissions --db collector.sqlite --run SF --date 2026-10-25 --from-mpid AMSG --to-mpid HHDC --out sf.txt
  amsgate dc mtd --db collector.sqlite --commissioning commissioning-gw1.json --config gw1.yaml --format csv

validate: every half hour of every AMSID through the named rules (docs/data-collector.md "Validation"); exit 1 when a
period is missing or invalid. estimate: every missing half hour estimated (register bracket, else comparable days)
and stored as a revision; actual data that has arrived replaces its estimate; exit 1 when one could not be estimated.`);

  registerRunCommands(dc);
  registerMtdCommand(dc);

  common(dc.command('validate').description('Validate each half hour of each AMSID and store the outcome (dc_validation)'))
    .option('--sessions <file>', 'JSON [{"device", "meter"?, "from", "to", "source"?}]: known consumption (zero-during-consumption rule)')
    .action(async (o: DcOpts) => {
      const { fromMs, toMs } = range(o);
      const records = await loadExportIntervals(o.db, o.device, { fromMs, toMs });
      const db = await openDcDb(o.db);
      try {
        const verdicts = validateRange(records, fromMs, toMs, { meters: meters(o.gatewayConfig), sessions: sessions(o.sessions), provingDue: await provingDueMap(db) });
        await saveVerdicts(db, verdicts, systemClock.now());
        const counts: Record<string, number> = {};
        for (const v of verdicts) counts[v.verdict] = (counts[v.verdict] ?? 0) + 1;
        const bad = verdicts.filter((v) => v.verdict !== 'valid');
        if (o.json) printJson({ periods: verdicts.length, counts, findings: bad.map((v) => ({ amsid: v.series.amsid, start: iso(v.startMs), verdict: v.verdict, recordId: v.recordId, findings: v.findings })) });
        else {
          process.stdout.write(`${verdicts.length} half hours: ${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ')}\n`);
          if (bad.length) process.stdout.write(`${table(['amsid', 'start', 'verdict', 'findings'], bad.map((v) => [v.series.amsid, iso(v.startMs), v.verdict, v.findings.map((f) => `${f.rule} (${f.outcome}): ${f.detail}`).join('; ')]))}\n`);
        }
        if (bad.some((v) => v.verdict === 'missing' || v.verdict === 'invalid')) process.exitCode = EXIT.failed;
      } finally {
        await db.close();
      }
    });

  common(dc.command('estimate').description('Estimate missing half hours (dc_estimates), replacing estimates by actual data that has arrived'))
    .action(async (o: DcOpts) => {
      const { fromMs, toMs } = range(o);
      // Margins: the register after a gap, and four weeks of comparable days before it.
      const records = await loadExportIntervals(o.db, o.device, { fromMs: fromMs - 28 * DAY, toMs: toMs + DAY });
      const cfg = meters(o.gatewayConfig);
      const db = await openDcDb(o.db);
      try {
        const all: Estimate[] = [];
        const unestimated: { amsid: string; start: string; reason: string }[] = [];
        let replaced = 0;
        const now = systemClock.now();
        for (const s of seriesOf(records)) {
          const m = cfg.get(`${s.dev}/${s.meter}`);
          const r = estimateSeries(records, s, fromMs, toMs, { compensation: m?.compensation });
          all.push(...r.estimates);
          unestimated.push(...r.unestimated.map((u) => ({ amsid: s.amsid, start: iso(u.startMs), reason: u.reason })));
          replaced += await replaceByActual(db, s, seriesData(records, s).half, now);
        }
        const written = await saveEstimates(db, all, now);
        if (o.json) printJson({ estimated: all.length, written, replacedByActual: replaced, estimates: all.map((e) => ({ amsid: e.series.amsid, start: iso(e.startMs), energyWh: e.energyWh, method: e.method, basis: e.basis })), unestimated });
        else {
          process.stdout.write(`${all.length} half hour(s) estimated (${written} new revision(s)), ${replaced} estimate(s) replaced by actual data, ${unestimated.length} left unestimated\n`);
          if (all.length) process.stdout.write(`${table(['amsid', 'start', 'Wh', 'method', 'basis'], all.map((e) => [e.series.amsid, iso(e.startMs), e.energyWh, e.method, e.basis]))}\n`);
          for (const u of unestimated) process.stdout.write(`unestimated ${u.amsid} ${u.start}: ${u.reason}\n`);
        }
        if (unestimated.length) process.exitCode = EXIT.failed;
      } finally {
        await db.close();
      }
    });
}
