// `amsgate status`: what a gateway's store says now: meters and their last readings, active alarms, the MQTT
// backlog and the last intervals. Read-only; safe while the gateway runs (SQLite WAL readers do not block it).
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../drivers/errors.js';
import { loadConfig } from '../../device/config/gateway-config.js';
import { STORE_FILE } from '../../device/runtime/gateway.js';
import { GatewayStore } from '../../device/store/gateway-store.js';
import { unreadableStore } from '../../device/store/open-database.js';
import type { ChainState } from '../../device/records/record-chain.js';
import { formatKwh } from '../../device/records/record-chain.js';
import { printJson, table } from '../output.js';

interface StatusOptions {
  config?: string;
  data?: string;
  json?: boolean;
  intervals?: string;
}

const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

export function gatewayStatus(storeDir: string, lastIntervals: number) {
  const path = join(storeDir, STORE_FILE);
  if (!existsSync(path)) throw new ConfigError('no-store', `no gateway store at ${path}; run \`amsgate run\` with this configuration first`);
  const s = GatewayStore.open(path, { readonly: true });
  try {
    const alive = s.getMeta<{ atMs: number; clean: boolean }>('alive');
    const chain = s.getMeta<ChainState>('chain');
    const backlog = s.outbox.backlog();
    return {
      store: path,
      lastAlive: alive ? { at: iso(alive.atMs), cleanShutdown: alive.clean } : null,
      records: chain?.seq ?? 0,
      meters: s.meterStatuses().map((m) => ({ meter: m.meter, ok: m.ok, at: iso(m.at), ...m.values })),
      readings: s.lastReadings().map((r) => ({ meter: r.meter, channel: r.channel, at: iso(r.at), extended: r.extended, whPerCount: r.whPerCount })),
      alarms: s.activeAlarms().map((a) => ({ alarm: a.kind, meter: a.meter || null, since: iso(a.raisedAt), detail: a.detail })),
      backlog: { messages: backlog.count, oldest: iso(backlog.oldestMs) },
      intervals: s.recentIntervals(lastIntervals).map((i) => ({
        meter: i.meter, channel: i.channel, start: iso(i.periodStart), resolution: i.resolution,
        energyKwh: formatKwh(i.energyWh), quality: i.quality, revision: i.revision, seq: i.seq, id: i.recordId,
      })),
    };
  } catch (err) {
    // A damaged page behind an intact schema shows only when a query reaches it.
    throw unreadableStore(err, path);
  } finally {
    s.close();
  }
}

export function register(program: Command): void {
  program
    .command('status')
    .description("Show a gateway's meters, last readings, active alarms, MQTT backlog and last intervals (from its store)")
    .option('--config <file>', 'gateway configuration whose storePath to read')
    .option('--data <dir>', 'store folder instead of a configuration (e.g. the folder of `amsgate run --demo --data DIR`)')
    .option('--intervals <n>', 'how many recent intervals to list', '8')
    .option('--json', 'one JSON document for scripts')
    .addHelpText(
      'after',
      `
Examples:
  amsgate status --config /etc/amsgate/gateway.yaml
  amsgate status --data ./demo --json | jq .alarms

Exit codes: 0 ok, 2 no such configuration or store.`,
    )
    .action((opts: StatusOptions) => {
      if (!!opts.config === !!opts.data) throw new ConfigError('option', 'give either --config FILE or --data DIR');
      const dir = opts.config ? loadConfig(opts.config).storePath : resolve(opts.data!);
      const n = Number(opts.intervals ?? 8);
      if (!Number.isInteger(n) || n < 0) throw new ConfigError('option', `--intervals "${opts.intervals}": expected a whole number`);
      const st = gatewayStatus(dir, n);
      if (opts.json) return printJson(st);
      const out: string[] = [];
      out.push(`store ${st.store}`);
      out.push(`last alive ${st.lastAlive ? `${st.lastAlive.at}${st.lastAlive.cleanShutdown ? ' (stopped cleanly)' : ''}` : '-'}; ${st.records} signed records; backlog ${st.backlog.messages} message(s)${st.backlog.messages ? `, oldest ${st.backlog.oldest}` : ''}`);
      out.push('', 'meters');
      out.push(table(['meter', 'ok', 'at', 'registers kWh', 'power W', 'error'], st.meters.map((m) => {
        const v = m as Record<string, unknown>;
        const regs = Object.entries((v.registersKwh ?? {}) as Record<string, string>).map(([k, x]) => `${k} ${x}`).join(', ');
        return [m.meter, m.ok ? 'yes' : 'NO', m.at, regs || '-', v.powerW === null || v.powerW === undefined ? '-' : Math.round(Number(v.powerW)), String(v.error ?? '')];
      })));
      out.push('', `active alarms (${st.alarms.length})`);
      if (st.alarms.length) out.push(table(['alarm', 'meter', 'since', 'detail'], st.alarms.map((a) => [a.alarm, a.meter ?? '-', a.since, a.detail])));
      out.push('', 'last intervals');
      out.push(table(['meter', 'channel', 'start', 'kWh', 'quality', 'rev', 'seq'], st.intervals.map((i) => [i.meter, i.channel, i.start, i.energyKwh, i.quality, i.revision, i.seq])));
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
