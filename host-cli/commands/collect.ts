// `amsgate collect`: the head-end collector. Subscribes to the fleet's signed interval and alarm records through an
// MQTT shared subscription, verifies each (signature, registered key valid at creation, payload shape, id, replay,
// hash chain), stores accepted records and every rejection with its reason, and acknowledges a message only after
// the transaction holding it has committed. docs/collector.md describes the rules and the schema.
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import mqtt from 'mqtt';
import { topics } from '../../device/mqtt/topics.js';
import { systemClock } from '../../drivers/clock.js';
import { ConfigError } from '../../drivers/errors.js';
import { Collector } from '../collector/collector.js';
import { findPeriodGaps, resendCommands, type PeriodGap } from '../collector/gaps.js';
import { Recovery, type SeqResendCommand } from '../collector/recovery.js';
import { openStore } from '../collector/open-store.js';
import { parseDateOption } from '../collector/registry.js';
import type { ChainReport, CollectorStore } from '../collector/store-types.js';
import { EXIT } from '../exit-codes.js';
import { printJson, table } from '../output.js';
import { intArg } from './read.js';
import { youngGenerationAdvice } from '../collector/heap-advice.js';
import { Adoptions } from '../collector/adoption.js';
import { startAdopter } from '../collector/adopter.js';
import { presenceCapable } from '../collector/member-presence.js';

interface CollectOpts {
  broker?: string;
  db: string;
  group: string;
  clientId?: string;
  jsonLog?: boolean;
  mqttVersion: number;
  shared: boolean;
  batch: number;
  maxWait: number;
  adopt?: boolean;
  adoptAfter: number;
  gaps?: boolean;
  requestResend?: boolean;
  gapInterval?: number;
  gapWindow: number;
  grace: number;
  recoverInterval: number;
  recoverGrace: number;
  recoverBackoff: number;
  connectAttempts: number;
  chainAuth: boolean;
  device?: string;
  from?: string;
  to?: string;
  stats?: boolean;
  json?: boolean;
}

export interface GapReport {
  periods: PeriodGap[];
  chain: ChainReport;
}

/**
 * `withinSeries`: count only holes between a series' stored periods in the window, not the periods before its first
 * or after its last record (the daemon's rolling window would otherwise ask a new gateway, for ever, to resend periods
 * from before it existed, and an open period to be resent before it has closed).
 */
export async function gapReport(
  store: CollectorStore,
  o: { device?: string; fromMs?: number; toMs?: number; withinSeries?: boolean },
): Promise<GapReport> {
  const intervals = await store.intervals({ device: o.device, fromMs: o.fromMs, toMs: o.toMs });
  const bounds = o.withinSeries ? {} : { fromMs: o.fromMs, toMs: o.toMs };
  return { periods: findPeriodGaps(intervals, bounds), chain: await store.chainReport(o.device) };
}

function printGaps(r: GapReport): void {
  if (r.periods.length === 0) process.stdout.write('no missing periods\n');
  else {
    process.stdout.write(`${table(['device', 'meter', 'channel', 'res', 'from', 'to', 'missing'], r.periods.map((g) => [g.device, g.meter, g.channel, g.resolution, g.from, g.to, g.missing]))}\n`);
  }
  if (r.chain.gaps.length) process.stdout.write(`\nsequence gaps (records never received):\n${table(['device', 'from seq', 'to seq'], r.chain.gaps.map((g) => [g.device, g.from, g.to]))}\n`);
  if (r.chain.breaks.length) process.stdout.write(`\nbroken links:\n${table(['device', 'seq', 'detail'], r.chain.breaks.map((b) => [b.device, b.seq, b.detail]))}\n`);
}

/** Period resends (by time) for missing periods and sequence resends for missing seqs; returns how many commands. */
export async function publishResends(broker: string, version: 4 | 5, gaps: PeriodGap[], seqGaps: ChainReport['gaps'] = []): Promise<number> {
  const byPeriod = resendCommands(gaps, randomUUID);
  // A device asked by period is not asked by seq in the same run (the periods are most of its missing seqs, and a
  // gateway without seq-range resend answers an error); the daemon's recovery asks by seq for whatever remains.
  const asked = new Set(byPeriod.map((c) => c.device));
  const cmds: { device: string; command: unknown }[] = [
    ...byPeriod,
    ...seqGaps.filter((g) => !asked.has(g.device)).map((g) => ({ device: g.device, command: { id: randomUUID(), type: 'resend', fromSeq: g.from, toSeq: g.to } satisfies SeqResendCommand })),
  ];
  if (cmds.length === 0) return 0;
  const client = await mqtt.connectAsync(broker, { protocolVersion: version, connectTimeout: 10_000, reconnectPeriod: 0 });
  try {
    for (const c of cmds) await client.publishAsync(topics.command(c.device), JSON.stringify(c.command), { qos: 1 });
  } finally {
    await client.endAsync();
  }
  return cmds.length;
}

async function runGaps(o: CollectOpts): Promise<void> {
  const store = await openStore(o.db);
  try {
    const fromMs = o.from ? parseDateOption(o.from, '--from') : undefined;
    // Never only between the first and last stored record: every period that ended before now - grace must be there.
    const toMs = o.to ? parseDateOption(o.to, '--to') : Date.now() - o.grace * 60_000;
    if (fromMs !== undefined && fromMs >= toMs) throw new ConfigError('option', `--from ${o.from} is not before the end of the checked range (${new Date(toMs).toISOString()}); expected --from < --to`);
    const r = await gapReport(store, { device: o.device, fromMs, toMs });
    let requested = 0;
    if (o.requestResend && (r.periods.length || r.chain.gaps.length)) {
      if (!o.broker) throw new ConfigError('option', '--request-resend needs --broker URL to publish resend commands');
      requested = await publishResends(o.broker, o.mqttVersion as 4 | 5, r.periods, r.chain.gaps);
    }
    if (o.json) printJson({ ...r, checkedUntil: new Date(toMs).toISOString(), resendRequests: requested });
    else {
      process.stdout.write(`checked until ${new Date(toMs).toISOString()}\n`);
      printGaps(r);
      if (o.requestResend) process.stdout.write(`\nresend requests published: ${requested}\n`);
    }
    if (r.periods.length || r.chain.gaps.length || r.chain.breaks.length) process.exitCode = EXIT.failed;
  } finally {
    await store.close();
  }
}

async function runStats(o: CollectOpts): Promise<void> {
  const store = await openStore(o.db);
  try {
    const counts = await store.counts();
    const recent = await store.listRejections(20);
    if (o.json) printJson({ counts, recentRejections: recent.map(({ raw: _raw, ...r }) => r) });
    else {
      process.stdout.write(`records ${counts.records} (intervals ${counts.intervals}, alarms ${counts.alarms}), duplicates ${counts.duplicates}\n`);
      const rj = Object.entries(counts.rejections);
      process.stdout.write(rj.length ? `${table(['rejection reason', 'count'], rj)}\n` : 'no rejections\n');
      if (recent.length) {
        process.stdout.write(`\nlatest rejections:\n${table(['received', 'device', 'reason', 'detail'], recent.map((r) => [new Date(r.receivedAt).toISOString(), r.device ?? '-', r.reason, r.detail.slice(0, 100)]))}\n`);
      }
    }
  } finally {
    await store.close();
  }
}

async function runDaemon(o: CollectOpts): Promise<void> {
  if (!o.broker) throw new ConfigError('option', '--broker URL is required to collect, e.g. --broker mqtt://127.0.0.1:1883');
  const store = await openStore(o.db);
  const log = (e: Record<string, unknown>): void => {
    if (o.jsonLog) process.stdout.write(`${JSON.stringify({ t: new Date().toISOString(), ...e })}\n`);
    else if (e.event !== 'rejected' && e.event !== 'batch') process.stderr.write(`collect: ${Object.entries(e).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ')}\n`);
  };
  const clientId = o.clientId ?? `amsgate-collector-${hostname()}-${o.group}`;
  let recovery: Recovery | null = null;
  const base = { broker: o.broker, store, group: o.group, protocolVersion: o.mqttVersion as 4 | 5, shared: o.shared, batchSize: o.batch, maxWaitMs: o.maxWait, log, chainAuth: o.chainAuth };
  // --adopt: take over a dead member's session until it returns (docs/collector.md "Adoption").
  if (o.adopt && !presenceCapable(clientId, o.group)) {
    await store.close();
    throw new ConfigError('option', `--adopt names each member by its client id and group in an MQTT topic: "${clientId}" / "${o.group}" must not contain "/", "+" or "#"`);
  }
  const after = o.adoptAfter * 1000;
  const adoptions = o.adopt ? new Adoptions({ self: clientId, log, liveDelayMs: after, retainedDelayMs: after, adopt: (member) => startAdopter(base, member, log) }) : null;
  const collector = new Collector({
    ...base, clientId, connectAttempts: o.connectAttempts,
    presence: o.adopt, onMemberPresence: (p, retained) => adoptions?.onPresence(p, retained),
    onReply: (device, reply) => void recovery?.onReply(device, reply).catch((e: Error) => log({ event: 'recovery-error', error: e.message })),
  });
  try {
    await collector.start();
  } catch (e) {
    await store.close();
    throw new (await import('../../drivers/errors.js')).TransportError('broker', `cannot connect and subscribe at ${o.broker}: ${(e as Error).message}`);
  }
  recovery = new Recovery({
    store, clock: systemClock, newId: randomUUID, log,
    publish: (device, cmd) => collector.publishCommand(device, cmd),
    graceMs: o.recoverGrace * 1000, backoffMs: o.recoverBackoff * 1000,
  });
  let recovering = false;
  const recoverTimer = setInterval(() => {
    if (recovering) return;
    recovering = true;
    void recovery!.tick().then(
      (r) => { if (r.missing) log({ event: 'missing', ...r }); },
      (e: Error) => log({ event: 'recovery-error', error: e.message }),
    ).finally(() => (recovering = false));
  }, o.recoverInterval * 1000);
  log({ event: 'started', clientId, group: o.group, store: store.kind, keys: collector.keyCount, ackMode: collector.ackMode });
  const advice = youngGenerationAdvice(process.execArgv);
  if (advice) log({ event: 'advice', advice });
  const statsTimer = setInterval(() => log({ event: 'stats', ...collector.stats }), 10_000);
  let gapTimer: NodeJS.Timeout | null = null;
  if (o.gapInterval) {
    gapTimer = setInterval(() => {
      void (async () => {
        const now = Date.now();
        const r = await gapReport(store, { fromMs: now - o.gapWindow * 3600_000, withinSeries: true });
        const cmds = resendCommands(r.periods, randomUUID);
        for (const c of cmds) await collector.publishCommand(c.device, c.command);
        log({ event: 'gaps', missingPeriods: r.periods.reduce((n, g) => n + g.missing, 0), resendRequests: cmds.length, seqGaps: r.chain.gaps.length });
      })().catch((e: Error) => log({ event: 'gap-error', error: e.message }));
    }, o.gapInterval * 1000);
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  clearInterval(statsTimer);
  clearInterval(recoverTimer);
  if (gapTimer) clearInterval(gapTimer);
  await adoptions?.stopAll();
  await collector.stop();
  log({ event: 'stopped', ...collector.stats });
  await store.close();
}

export function register(program: Command): void {
  program
    .command('collect')
    .description(
      'Head-end collector: verify and store the fleet\'s signed interval and alarm records (MQTT shared subscription, QoS 1,\n' +
        'acknowledged only after the database commit). Also reports missing periods (--gaps) and store counters (--stats).',
    )
    .requiredOption('--db <path|url>', 'store: a SQLite file (created if absent) or postgres://user@host/db[?schema=NAME]')
    .option('--broker <url>', 'MQTT broker, e.g. mqtt://127.0.0.1:1883')
    .option('--group <name>', 'shared-subscription group: collectors in one group split the fleet', 'amsgate-collectors')
    .option('--client-id <id>', 'MQTT client id; keep it stable per collector so its session (and un-acked messages) survive a restart')
    .option('--mqtt-version <n>', 'MQTT protocol version: 5 (default) or 4 (3.1.1)', intArg('--mqtt-version', 4, 5), 5)
    .option('--no-shared', 'subscribe to the plain topics instead of $share/<group>/... (a single collector)')
    .option('--batch <n>', 'messages verified and committed per transaction', intArg('--batch', 1, 100_000), 500)
    .option('--max-wait <ms>', 'cut a batch once its oldest message has waited this long (also once full, or 5 ms quiet)', intArg('--max-wait', 1, 60_000), 500)
    .option('--adopt', "take over the session of a group member that has gone offline until it returns, so that its share of the fleet is stored at once, not queued at the broker (docs/collector.md \"Adoption\")")
    .option('--adopt-after <s>', 'with --adopt: a member must have been offline this long before it is adopted (a quick restart is not)', intArg('--adopt-after', 0, 86_400), 10)
    .option('--no-chain-auth', "verify every record's own signature instead of the newest of each contiguous run (docs/collector.md)")
    .option('--json-log', 'log one JSON object per line on stdout (each committed batch, rejections, stats every 10 s)')
    .option('--gap-interval <s>', 'daemon: look for missing periods every S seconds and ask gateways to resend', intArg('--gap-interval', 10, 86_400))
    .option('--gap-window <h>', 'daemon: how many hours back the timed gap check looks', intArg('--gap-window', 1, 24 * 400), 48)
    .option('--recover-interval <s>', 'daemon: how often to look for missing sequence numbers (up to each gateway\'s announced tail)', intArg('--recover-interval', 1, 86_400), 30)
    .option('--recover-grace <s>', 'daemon: a missing seq must be missing this long before the first resend request', intArg('--recover-grace', 0, 86_400), 60)
    .option('--recover-backoff <s>', 'daemon: delay before the 2nd resend request; doubles up to 1 h; an alarm is stored after 5', intArg('--recover-backoff', 1, 86_400), 30)
    .option('--connect-attempts <n>', 'daemon: connection attempts at start before exiting 3 (once connected it reconnects for ever)', intArg('--connect-attempts', 1, 1000), 5)
    .option('--gaps', 'report missing periods and sequence gaps in the store, then exit (exit 1 when any)')
    .option('--grace <min>', 'with --gaps and no --to: check every period that ended before now minus this many minutes', intArg('--grace', 0, 7 * 24 * 60), 60)
    .option('--request-resend', 'with --gaps: publish resend commands for missing periods and missing seqs (needs --broker)')
    .option('--device <id>', 'with --gaps: one device only')
    .option('--from <date>', 'with --gaps: first period start (YYYY-MM-DD = 00:00 UTC, or ISO time)')
    .option('--to <date>', 'with --gaps: end of the checked range (exclusive; default now minus --grace)')
    .option('--stats', 'print record, duplicate and rejection counts and the latest rejections, then exit')
    .option('--json', 'with --gaps or --stats: print JSON')
    .addHelpText(
      'after',
      `
Examples:
  amsgate collect --broker mqtt://127.0.0.1:1883 --db collector.sqlite
  amsgate collect --broker mqtt://127.0.0.1:1883 --db postgres://postgres@127.0.0.1/amsgate --client-id col-a --json-log
  amsgate collect --db collector.sqlite --gaps --from 2026-10-25 --to 2026-10-26
  amsgate collect --db collector.sqlite --gaps --request-resend --broker mqtt://127.0.0.1:1883
  amsgate collect --db collector.sqlite --stats --json

Keys must be registered first: amsgate devices add --device ID --key FILE.
Run several collectors with the same --group and distinct --client-id to share one broker's load; with --adopt on
each, a member that has been gone for --adopt-after seconds has its share taken over by another until it returns.
A head-end daemon wants a larger V8 young generation than the amsgate command starts with:
  node --max-semi-space-size=32 <amsgate>/dist/host-cli/main.js collect ...   (docs/collector.md "Running a collector")`,
    )
    .action(async (o: CollectOpts) => {
      if (o.gaps) return runGaps(o);
      if (o.stats) return runStats(o);
      return runDaemon(o);
    });
}
