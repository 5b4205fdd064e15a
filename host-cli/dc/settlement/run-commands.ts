// `amsgate dc runs` (the volume allocation run calendar of a settlement date: what must be sent by when, and what
// was) and `amsgate dc submissions` (the D0390-style file for a run, recorded as sent).
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { localDayStartMs, nextDate } from '../../../device/settlement/periods.js';
import { systemClock } from '../../../drivers/clock.js';
import { ConfigError } from '../../../drivers/errors.js';
import { loadExportIntervals } from '../../exports/export-source.js';
import { printJson, table } from '../../output.js';
import { openDcDb } from '../dc-db.js';
import { estimates } from '../dc-tables.js';
import { SubmissionLedger } from '../delivery/submission-ledger.js';
import { RUN_CALENDAR, runSpec, runsFor, type CollectorRole, type RunType } from './run-calendar.js';
import { lastSent, runRows, saveRunFile } from './run-store.js';
import { buildRunFile, dayData } from './run-submission.js';
import { randomUUID } from 'node:crypto';

const dateOk = (d: string, opt: string): string => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new ConfigError('option', `${opt} "${d}": expected a settlement date YYYY-MM-DD`);
  return d;
};

export function registerRunCommands(dc: Command): void {
  dc.command('runs')
    .description('Volume allocation runs (II, SF, R1, R2, R3, RF, DF) of a settlement date: run date, submit-by date, what was sent')
    .requiredOption('--date <d>', 'settlement date YYYY-MM-DD')
    .option('--role <r>', 'HHDC (sends to the SVAA by the run) or AMHHDC (to the HHDC, 3 working days before)', 'HHDC')
    .option('--db <path|url>', 'also show what was submitted for the date')
    .option('--json', 'print JSON')
    .action(async (o: { date: string; role: string; db?: string; json?: boolean }) => {
      if (o.role !== 'HHDC' && o.role !== 'AMHHDC') throw new ConfigError('option', `--role "${o.role}": expected HHDC or AMHHDC`);
      const runs = runsFor(dateOk(o.date, '--date'), o.role as CollectorRole);
      let sent: Awaited<ReturnType<typeof runRows>> = [];
      if (o.db) {
        const db = await openDcDb(o.db);
        try {
          sent = await runRows(db, o.date);
        } finally {
          await db.close();
        }
      }
      const rows = runs.map((r) => ({ ...r, submitted: sent.filter((s) => s.run === r.run).map((s) => `${s.amsid}${s.estimatedPeriods ? ` (${s.estimatedPeriods} estimated)` : ''}`) }));
      if (o.json) printJson(rows);
      else process.stdout.write(`${table(['run', 'name', 'runs on', 'submit by', 'status', 'what', 'submitted'], rows.map((r) => [r.run, r.name, r.runDate ?? 'beyond calendar', r.submitBy ?? '-', r.status, r.what, r.submitted.join(', ') || '-']))}\n`);
    });

  dc.command('submissions')
    .description('Build the D0390-style submission for a run and settlement date from actual or estimated data, and record it as sent')
    .requiredOption('--db <path|url>', 'collector store (SQLite path or postgres:// URL)')
    .requiredOption('--run <run>', `one of ${RUN_CALENDAR.map((r) => r.run).join(', ')}`)
    .requiredOption('--date <d>', 'settlement date YYYY-MM-DD')
    .requiredOption('--from-mpid <id>', 'sender market participant id (4 chars)')
    .requiredOption('--to-mpid <id>', 'recipient market participant id (4 chars)')
    .option('--from-role <c>', 'sender role code [U]', 'C')
    .option('--to-role <c>', 'recipient role code [U]', 'X')
    .option('--file-id <id>', 'file identifier (<= 10 letters/digits)')
    .option('--test-flag <f>', 'OPER or TRnn', 'OPER')
    .option('--device <id>', 'one gateway only')
    .option('--out <file>', 'write the file here (default stdout)')
    .option('--json', 'print a JSON summary (with --out)')
    .addHelpText('after', `
Only AMSIDs whose values differ from what was last sent for the date (by any run) are included: a later run resends
only what changed. Periods without actual data take the active estimate (amsgate dc estimate) and are marked E; a
day still incomplete is refused (exit 1) naming the periods. The layout is unverified [U] (docs/exports.md "dtc").`)
    .action(async (o: { db: string; run: string; date: string; fromMpid: string; toMpid: string; fromRole: string; toRole: string; fileId?: string; testFlag: string; device?: string; out?: string; json?: boolean }) => {
      const spec = runSpec(o.run);
      if (!spec) throw new ConfigError('option', `--run "${o.run}": expected ${RUN_CALENDAR.map((r) => r.run).join(', ')}`);
      const date = dateOk(o.date, '--date');
      if (o.json && !o.out) throw new ConfigError('option', '--json prints a summary and needs --out FILE for the submission itself');
      const start = localDayStartMs(date);
      const end = localDayStartMs(nextDate(date));
      const records = await loadExportIntervals(o.db, o.device, { fromMs: start, toMs: end });
      const db = await openDcDb(o.db);
      try {
        const now = systemClock.now();
        const fileId = o.fileId ?? String(Math.floor(now / 1000) % 10_000_000_000);
        const data = dayData(records, await estimates(db, { fromMs: start, toMs: end, states: ['active'] }), date);
        const f = buildRunFile(spec.run as RunType, date, data, await lastSent(db, date), { fileId, fromRole: o.fromRole, fromMpid: o.fromMpid, toRole: o.toRole, toMpid: o.toMpid, testFlag: o.testFlag, now: () => now });
        let submissionId: string | null = null;
        if (f.text) {
          if (o.out) writeFileSync(o.out, f.text);
          else process.stdout.write(f.text);
          const ledger = new SubmissionLedger(db, systemClock, randomUUID);
          const { sub } = await ledger.record('d0390', `${f.run} ${date} file ${fileId}`, f.text);
          await ledger.setState(sub, 'sent', o.out ? `written to ${o.out}; transfer is outside amsgate` : 'written to stdout; transfer is outside amsgate');
          submissionId = sub.submissionId;
          await saveRunFile(db, f, fileId, submissionId, now);
        }
        const summary = { run: f.run, date, fileId: f.text ? fileId : null, included: f.included.map((d) => ({ amsid: d.amsid, because: d.because, estimatedPeriods: d.estimatedPeriods })), unchanged: f.unchanged, submissionId };
        if (o.json) printJson(summary);
        else process.stderr.write(`${f.run} ${date}: ${f.included.length ? `sent ${f.included.map((d) => `${d.amsid} (${d.because}${d.estimatedPeriods ? `, ${d.estimatedPeriods} estimated` : ''})`).join(', ')}` : 'nothing to send'}${f.unchanged.length ? `; unchanged since last sent: ${f.unchanged.join(', ')}` : ''}\n`);
      } finally {
        await db.close();
      }
    });
}
