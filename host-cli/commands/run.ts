// `amsgate run`: the gateway runtime, from a configuration file or as a self-contained demo (simulated meters,
// embedded broker). Stops cleanly on SIGINT/SIGTERM.
import { Option, type Command } from 'commander';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../drivers/errors.js';
import { demoConfig, loadConfig, type GatewayConfig } from '../../device/config/gateway-config.js';
import type { EmbeddedBroker } from '../../device/mqtt/embedded-broker.js';
import { Gateway, STORE_FILE, type GatewayEvent } from '../../device/runtime/gateway.js';
import { renderEvent } from '../../device/runtime/console-view.js';
import { consoleHook } from '../../device/console/console-hook.js';
import { parseOrigin, runClock } from '../../device/runtime/run-clock.js';
import { GatewayStore } from '../../device/store/gateway-store.js';
import { checkStoreReadable } from '../../device/store/open-database.js';
import { redactUrl } from '../../device/mqtt/connection-options.js';
import { existsSync } from 'node:fs';
import { EXIT } from '../exit-codes.js';

interface RunOptions {
  config?: string;
  demo?: boolean;
  data?: string;
  speed?: string;
  start?: string;
  timeOrigin?: string;
  quiet?: boolean;
  readingsEvery?: string;
  console?: string;
}

/** Demo: simulated time starts at 17:45 UTC so that the EV charging session (18:00) begins within a minute. */
function demoStartMs(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 17, 45);
}

async function brokerFor(cfg: GatewayConfig, log: (s: string) => void): Promise<{ url: string; broker?: EmbeddedBroker }> {
  if (!cfg.broker.embedded) return { url: cfg.broker.url };
  // Loaded only when used: a field gateway talks to an external broker and need not carry aedes in memory.
  const { startEmbeddedBroker } = await import('../../device/mqtt/embedded-broker.js');
  const wanted = Number(new URL(cfg.broker.url).port || 1883);
  try {
    const broker = await startEmbeddedBroker(wanted);
    return { url: broker.url, broker };
  } catch {
    const broker = await startEmbeddedBroker(0);
    log(`  port ${wanted} is taken (another broker?): embedded broker on ${broker.url} instead`);
    return { url: broker.url, broker };
  }
}

export function register(program: Command): void {
  program
    .command('run')
    .description('Run the gateway: poll meters, close and sign settlement intervals, publish them over MQTT with store-and-forward')
    .option('--config <file>', 'gateway configuration (.yaml or .json, see docs/configuration.md)')
    .option('--demo', 'simulated SDM630 charger and BL0942 battery with an embedded MQTT broker (what `npm start` runs)')
    .option('--data <dir>', 'demo: folder for the store and keys (default: a new temporary folder)')
    .option('--speed <n>', 'run the clock N times faster than real time (demo default 60: a half-hour closes every 30 s)')
    .option('--start <iso>', 'simulated time to start from (demo default: today 17:45 UTC); with --config only together with --speed')
    .addOption(new Option('--time-origin <realMs:simMs>', 'share one simulated timeline across restarts (tests)').hideHelp())
    .option('--quiet', 'print intervals and alarms only, not every reading')
    .option('--readings-every <s>', 'print a meter reading at most every S real seconds', '2')
    .option('--console <host:port>', 'serve the installer console here (overrides the config\'s console: block; docs/installer-console.md)')
    .addHelpText(
      'after',
      `
Examples:
  amsgate run --demo                       # simulated meters, embedded broker, 60x speed, data in a temp folder
  amsgate run --demo --data ./demo --speed 600
  amsgate run --config /etc/amsgate/gateway.yaml

The store is <storePath>/${STORE_FILE}; \`amsgate status --config FILE\` reads it while the gateway runs.
Stop with Ctrl-C (SIGINT) or SIGTERM: memory is flushed and "offline" is published.`,
    )
    .action(async (opts: RunOptions) => {
      if (!!opts.config === !!opts.demo) throw new ConfigError('option', 'give either --config FILE or --demo');
      const log = (s: string) => process.stdout.write(`${s}\n`);
      let cfg: GatewayConfig;
      if (opts.demo) {
        const dir = resolve(opts.data ?? mkdtempSync(join(tmpdir(), 'amsgate-demo-')));
        cfg = demoConfig(dir);
      } else {
        cfg = loadConfig(opts.config!);
        if (opts.data) cfg = { ...cfg, storePath: resolve(opts.data) };
      }
      // Every page of an existing store is read once before anything polls: a damaged page is refused here with the
      // recovery steps (exit 2), not met at the first write after the start (docs/gateway-operation.md, Recovery).
      if (existsSync(join(cfg.storePath, STORE_FILE))) checkStoreReadable(join(cfg.storePath, STORE_FILE));
      const speed = opts.speed !== undefined ? Number(opts.speed) : opts.demo ? 60 : 1;
      // A real gateway keeps real time: a start time would shift every record's timestamp, so it is refused, not ignored.
      if (opts.start && speed === 1 && !opts.demo) {
        throw new ConfigError('option', `--start applies to a simulated clock only: add --speed N (N other than 1) to run --config on a simulated timeline from ${opts.start}, or drop --start to run in real time`);
      }
      let startMs: number | undefined = opts.start ? Date.parse(opts.start) : undefined;
      if (opts.start && Number.isNaN(startMs)) throw new ConfigError('option', `--start "${opts.start}": expected an ISO 8601 time`);
      if (startMs === undefined && opts.demo) {
        startMs = demoStartMs(Date.now());
        // A demo folder used before continues where its clock stopped.
        const db = join(cfg.storePath, STORE_FILE);
        if (existsSync(db)) {
          const s = GatewayStore.open(db);
          const alive = s.getMeta<{ atMs: number }>('alive');
          s.close();
          if (alive) startMs = Math.max(startMs, alive.atMs + 60_000);
        }
      }
      const rc = runClock(speed, speed === 1 && !opts.demo ? undefined : startMs, opts.timeOrigin ? parseOrigin(opts.timeOrigin) : undefined);
      const { url, broker } = await brokerFor(cfg, log);
      const every = Number(opts.readingsEvery ?? 2) * 1000;
      const lastShown = new Map<string, number>();
      const con = await consoleHook(cfg, opts.console);
      const onEvent = (e: GatewayEvent) => {
        con?.observe(e);
        if (e.type === 'reading') {
          if (opts.quiet) return;
          const t = Date.now();
          if (t - (lastShown.get(e.meter) ?? 0) < every) return;
          lastShown.set(e.meter, t);
        }
        if (e.type === 'meter-error') {
          const t = Date.now();
          const k = `err:${e.meter}`;
          if (t - (lastShown.get(k) ?? 0) < 10_000) return;
          lastShown.set(k, t);
        }
        const line = renderEvent(e);
        if (line) log(line);
      };
      const gw = new Gateway({ config: cfg, clock: rc.clock, monotonicMs: rc.monotonicMs, brokerUrl: url, onEvent });
      log(`amsgate gateway ${cfg.deviceId}: ${cfg.meters.length} meter(s), ${cfg.resolutions.join('/')} intervals, store ${join(cfg.storePath, STORE_FILE)}`);
      log(`  broker ${redactUrl(url)}${broker ? ' (embedded)' : ''}; clock ${rc.speed === 1 ? 'real time' : `${rc.speed}x from ${new Date(rc.clock.now()).toISOString()}`}`);
      if (opts.demo) log('  demo: simulated EV charger (SDM630, Modbus TCP) and home battery (BL0942, serial pty); Ctrl-C to stop');
      await gw.start();
      if (con) log(`  installer console ${await con.start(gw, rc.clock, url)}`);
      await new Promise<void>((resolveStop) => {
        const stop = (sig: string) => {
          log(`  ${sig}: stopping`);
          resolveStop();
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
      await con?.close();
      await gw.stop();
      await broker?.close();
      log('  stopped cleanly');
      // Pending clock sleeps (up to one persist interval) would otherwise keep the process alive for seconds.
      process.stdout.write('', () => process.exit(EXIT.ok));
    });
}
