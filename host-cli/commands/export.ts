// `amsgate export <axle|elering|volue|dtc>`: market files from the collector store. Each exporter uses the latest
// revision of each interval, checks what it writes against its format, and refuses (exit 1, with the reason) data
// the format cannot represent instead of clamping or dropping it. docs/exports.md describes every field.
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { systemClock } from '../../drivers/clock.js';
import { ConfigError } from '../../drivers/errors.js';
import type { IntervalRecord } from '../../device/records/record-types.js';
import { parseDateOption } from '../collector/registry.js';
import { buildAxleReadings, type AxleAssetEntry } from '../exports/axle.js';
import { buildDtcFile } from '../exports/dtc.js';
import { buildEleringMessages, type EleringResolution } from '../exports/elering.js';
import { submitEleringMessages } from '../exports/elering-submit.js';
import { checkRange, loadExportIntervals, rolesFromGatewayConfigs } from '../exports/export-source.js';
import { stringifyWithKwh } from '../exports/kwh.js';
import { localDayStartMs } from '../../device/settlement/periods.js';
import { buildVolueReport, parseVolueEvent, type VolueResource } from '../exports/volue.js';
import { deliverAxleReadings } from '../dc/delivery/axle-client.js';
import { exitFor, readToken, withLedger } from '../dc/delivery/cli-delivery.js';
import type { DeliveryOutcome } from '../dc/delivery/deliver-document.js';
import { DEFAULT_RETRY, type RetryPolicy } from '../dc/delivery/http-retry.js';
import { deliverVolueReport } from '../dc/delivery/volue-client.js';
import { printJson } from '../output.js';
import { intArg } from './read.js';

interface ExportOpts {
  db: string;
  device?: string;
  from?: string;
  to?: string;
  out?: string;
  json?: boolean;
  assetMap?: string;
  lifetime?: boolean;
  skipExport?: boolean;
  skipUnlabelled?: boolean;
  gatewayConfig?: string[];
  allowEstimated?: boolean;
  meterMap?: string;
  resolution: string;
  submit?: string;
  tokenFile?: string;
  pollSeconds: number;
  finalWithin: number;
  maxAttempts: number;
  event?: string;
  resourceMap?: string;
  fileId?: string;
  fromRole: string;
  fromMpid?: string;
  toRole: string;
  toMpid?: string;
  testFlag: string;
  retries: number;
  retryBaseMs: number;
}

function readJsonMap<T>(path: string | undefined, option: string): Record<string, T> {
  if (!path) throw new ConfigError('option', `${option} FILE is required for this format`);
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Record<string, T>;
  } catch (e) {
    throw new ConfigError('option', `${option} ${path}: ${(e as Error).message}; expected a JSON object keyed "device/meter" or "device"`);
  }
}

function loadIntervals(o: ExportOpts, range: { fromMs?: number; toMs?: number }): Promise<IntervalRecord[]> {
  return loadExportIntervals(o.db, o.device, range);
}

function emit(o: ExportOpts, format: string, text: string, summary: Record<string, unknown>): void {
  if (o.out) {
    writeFileSync(o.out, text);
    if (o.json) printJson({ format, out: o.out, ...summary });
    else process.stdout.write(`${format}: wrote ${o.out} (${Object.entries(summary).map(([k, v]) => `${k} ${String(v)}`).join(', ')})\n`);
  } else process.stdout.write(text);
}

const retryPolicy = (o: ExportOpts): RetryPolicy => ({ ...DEFAULT_RETRY, maxTries: o.retries + 1, baseMs: o.retryBaseMs });

function printDelivery(o: ExportOpts, outcomes: DeliveryOutcome[]): void {
  if (o.json) printJson(outcomes);
  else for (const r of outcomes) process.stdout.write(`${r.target} ${r.subject}: ${r.result} (state ${r.state}, ${r.tries} tr${r.tries === 1 ? 'y' : 'ies'}${r.reason ? `; ${r.reason}` : ''}) submission ${r.submissionId}\n`);
  process.exitCode = exitFor(outcomes.map((r) => (r.result === 'unreachable' ? 'unreachable' : r.result === 'accepted' || r.result === 'already-accepted' ? 'ok' : 'refused')));
}

function dateRange(o: ExportOpts): { fromMs?: number; toMs?: number } {
  const r = { fromMs: o.from ? parseDateOption(o.from, '--from') : undefined, toMs: o.to ? parseDateOption(o.to, '--to') : undefined };
  checkRange(r);
  return r;
}

async function run(format: string, o: ExportOpts): Promise<void> {
  switch (format) {
    case 'axle': {
      const assetMap = readJsonMap<AxleAssetEntry>(o.assetMap, '--asset-map');
      const roles = o.gatewayConfig?.length ? rolesFromGatewayConfigs(o.gatewayConfig) : undefined;
      const body = buildAxleReadings(await loadIntervals(o, dateRange(o)), {
        assetMap, roles, lifetime: o.lifetime, skipUnlabelled: o.skipUnlabelled || o.skipExport, allowEstimated: o.allowEstimated,
      });
      if (!o.submit) {
        emit(o, format, `${stringifyWithKwh(body)}\n`, { readings: body.readings.length });
        return;
      }
      const token = readToken(o.tokenFile);
      const r = await withLedger(o.db, (ledger) => deliverAxleReadings(body, { url: o.submit!, token, clock: systemClock, ledger, policy: retryPolicy(o) }));
      printDelivery(o, [r]);
      return;
    }
    case 'elering': {
      if (o.resolution !== 'PT15M' && o.resolution !== 'PT1H') throw new ConfigError('option', `--resolution "${o.resolution}": expected PT15M or PT1H`);
      const meterMap = readJsonMap<string>(o.meterMap, '--meter-map');
      const messages = buildEleringMessages(await loadIntervals(o, dateRange(o)), {
        resolution: o.resolution as EleringResolution, meterMap, newId: randomUUID, now: () => systemClock.now(),
      });
      if (!o.submit) {
        emit(o, format, `${stringifyWithKwh(messages)}\n`, { messages: messages.length });
        return;
      }
      const token = readToken(o.tokenFile);
      const outcomes = await withLedger(o.db, (ledger) => submitEleringMessages(messages, {
        url: o.submit!, token, clock: systemClock, newId: randomUUID, pollMs: o.pollSeconds * 1000, finalWithinMs: o.finalWithin * 1000, maxAttempts: o.maxAttempts,
        ledger, retry: retryPolicy(o), log: (e) => process.stderr.write(`elering: ${JSON.stringify(e)}\n`),
      }));
      if (o.json) printJson(outcomes);
      else for (const r of outcomes) process.stdout.write(`${r.meteringPoint}: ${r.final} after ${r.attempts.length} exchange(s) (${r.attempts.map((a) => `${a.documentIdentification} ${a.httpStatus ?? 'no answer'}${a.status ? ` ${a.status}` : ''}${a.detail ? ` ${a.detail}` : ''}`).join('; ')})\n`);
      process.exitCode = exitFor(outcomes.map((r) => (r.final === 'UNREACHABLE' ? 'unreachable' : r.final === 'SUCCESSFUL' || r.final === 'ALREADY_ACCEPTED' ? 'ok' : 'refused')));
      return;
    }
    case 'volue': {
      if (!o.event) throw new ConfigError('option', '--event FILE is required for volue: {"eventId": "...", "hours": ["2026-10-25T16:00:00Z", ...]}');
      const event = parseVolueEvent(readFileSync(o.event, 'utf8'));
      const resources = readJsonMap<VolueResource>(o.resourceMap, '--resource-map');
      const records = await loadIntervals(o, { fromMs: event.hours[0]!, toMs: event.hours[event.hours.length - 1]! + 3_600_000 });
      const report = buildVolueReport(records, event, resources, { allowEstimated: o.allowEstimated });
      if (!o.submit) {
        emit(o, format, `${stringifyWithKwh(report)}\n`, { payloads: (report as { payloads: unknown[] }).payloads.length });
        return;
      }
      const token = readToken(o.tokenFile);
      const r = await withLedger(o.db, (ledger) => deliverVolueReport(report, { url: o.submit!, token, clock: systemClock, ledger, policy: retryPolicy(o) }));
      printDelivery(o, [r]);
      return;
    }
    case 'dtc': {
      if (!o.from || !o.to) throw new ConfigError('option', 'dtc needs --from and --to settlement dates (YYYY-MM-DD; --to exclusive)');
      if (!o.fromMpid || !o.toMpid) throw new ConfigError('option', 'dtc needs --from-mpid and --to-mpid (4-character market participant ids)');
      for (const d of [o.from, o.to]) if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new ConfigError('option', `dtc dates are settlement dates YYYY-MM-DD, not "${d}"`);
      if (!(o.from < o.to)) throw new ConfigError('bad-range', `dtc --from ${o.from} is not before --to ${o.to} (--to is the settlement date after the last one)`);
      const records = await loadIntervals(o, { fromMs: localDayStartMs(o.from), toMs: localDayStartMs(o.to) });
      const file = buildDtcFile(records, {
        fromDate: o.from, toDate: o.to, fileId: o.fileId ?? String(Math.floor(systemClock.now() / 1000) % 10_000_000_000),
        fromRole: o.fromRole, fromMpid: o.fromMpid, toRole: o.toRole, toMpid: o.toMpid, testFlag: o.testFlag, now: () => systemClock.now(),
      });
      emit(o, format, file.text, { records: file.records });
      return;
    }
    default:
      throw new ConfigError('option', `unknown export format "${format}"; expected axle, elering, volue or dtc`);
  }
}

export function register(program: Command): void {
  program
    .command('export')
    .description('Market exports from the collector store: Axle readings, Elering Datahub metering data, Volue EnergyUsage, DTC-style HH file')
    .argument('<format>', 'axle | elering | volue | dtc')
    .requiredOption('--db <path|url>', 'collector store (SQLite path or postgres:// URL)')
    .option('--device <id>', 'one gateway only')
    .option('--from <date>', 'first period start (YYYY-MM-DD = 00:00 UTC, or ISO); dtc: first settlement date')
    .option('--to <date>', 'end of range, exclusive; dtc: settlement date after the last one')
    .option('--out <file>', 'write the document to FILE (default: stdout)')
    .option('--json', 'with --out: print a JSON summary; elering --submit: print outcomes as JSON')
    .option('--asset-map <file>', 'axle: JSON {"device/meter" | "device": "<Axle asset uuid>"}')
    .option('--lifetime', 'axle: add charger_lifetime_consumption_energy_kwh at the end of each interval')
    .option('--gateway-config <file...>', 'axle: gateway configuration file(s); meters[].role picks the labels (charger, battery, boundary, solar)')
    .option('--skip-unlabelled', "axle: leave out the channel the meter's role has no label for (a charger's export, solar's import)")
    .option('--skip-export', 'axle: older name of --skip-unlabelled')
    .option('--allow-estimated', 'axle, volue: send estimated periods (these formats carry no quality flag; elering and dtc mark them E)')
    .option('--meter-map <file>', 'elering: JSON {"device/meter" | "device": "<metering point EIC>"}')
    .option('--resolution <r>', 'elering: PT15M (the electricity resolution since 2025-04-01) or PT1H', 'PT15M')
    .option('--submit <url>', 'deliver instead of printing: axle POSTs URL/data/readings, volue URL/reports, elering URL/meter-data (+ status polls); state is kept in --db (amsgate deliver list)')
    .option('--token-file <file>', '--submit: file holding the Bearer token')
    .option('--retries <n>', '--submit: retries of a request after a network error, 5xx or 429', intArg('--retries', 0, 20), 4)
    .option('--retry-base-ms <ms>', '--submit: back-off before the first retry; doubles each time, at most 2 min', intArg('--retry-base-ms', 1, 600_000), 2000)
    .option('--poll-seconds <s>', 'elering --submit: status poll interval', intArg('--poll-seconds', 1, 3600), 30)
    .option('--final-within <s>', 'elering --submit: resend with a new document id when no final status after S seconds', intArg('--final-within', 1, 7 * 86_400), 3600)
    .option('--max-attempts <n>', 'elering --submit: POSTs per message that may reach processing', intArg('--max-attempts', 1, 20), 3)
    .option('--event <file>', 'volue: event JSON {"eventId": "...", "hours": [UTC hour starts]}')
    .option('--resource-map <file>', 'volue: JSON {"device/meter" | "device": {"resourceId", "locationId", "meterPointId"?}}')
    .option('--file-id <id>', 'dtc: file identifier (<= 10 letters/digits, unique per sender)')
    .option('--from-role <c>', 'dtc: sender role code [U]', 'C')
    .option('--from-mpid <id>', 'dtc: sender market participant id (4 chars)')
    .option('--to-role <c>', 'dtc: recipient role code [U]', 'X')
    .option('--to-mpid <id>', 'dtc: recipient market participant id (4 chars)')
    .option('--test-flag <f>', 'dtc: OPER for live data, TRnn for test', 'OPER')
    .addHelpText(
      'after',
      `
Examples:
  amsgate export axle --db collector.sqlite --asset-map assets.json --gateway-config gw1.yaml --from 2026-10-25 --to 2026-10-26 --out axle.json
  amsgate export elering --db collector.sqlite --meter-map eic.json --resolution PT1H --from 2026-10-25 --to 2026-10-26
  amsgate export elering --db collector.sqlite --meter-map eic.json --submit https://datahub.example/api/v1 --token-file token
  amsgate export volue --db collector.sqlite --event event.json --resource-map resources.json
  amsgate export dtc --db collector.sqlite --from 2026-10-25 --to 2026-10-26 --from-mpid AMSG --to-mpid ELEX --file-id 1

A refusal (exit 1) names the interval and the rule; nothing is clamped or silently dropped.
--submit: exit 0 when every document is accepted, 1 when the service refused one, 3 when it could not be reached
(the submission stays pending in --db and the next run sends it; an accepted one is never sent twice).
The DTC group layout is unverified [U]: see docs/exports.md before sending such a file.`,
    )
    .action(async (format: string, o: ExportOpts) => run(format, o));
}
