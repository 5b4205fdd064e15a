// `amsgate fleet-console`: the head-end operator's web console over the collector's store (SQLite or PostgreSQL):
// fleet overview, per-device chart, gaps, key history, rejections and exports, with a documented JSON API.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../drivers/errors.js';
import { parseConsoleAddress } from '../../device/console/console-hook.js';
import { openStore } from '../collector/open-store.js';

const MIN_TOKEN = 16;

export function readToken(file: string | undefined, env: string | undefined): string {
  let t: string | undefined;
  if (file) {
    try {
      t = readFileSync(file, 'utf8').trim();
    } catch (err) {
      throw new ConfigError('fleet-token', `cannot read --token-file ${file}: ${(err as Error).message}`);
    }
  } else t = env?.trim();
  if (!t) throw new ConfigError('fleet-token', 'no access token: give --token-file FILE or set AMSGATE_FLEET_TOKEN (the console is never open without one)');
  if (t.length < MIN_TOKEN) throw new ConfigError('fleet-token', `the access token has ${t.length} characters; use at least ${MIN_TOKEN} (e.g. openssl rand -base64 24)`);
  return t;
}

export function register(program: Command): void {
  program
    .command('fleet-console')
    .description('Web console for head-end operators over the collector store: fleet overview, device charts, gaps, keys, rejections, exports; JSON API under /api/v1.')
    .requiredOption('--db <path|url>', 'the collector store: a SQLite file or postgres://user@host/db[?schema=NAME]')
    .option('--listen <host:port>', 'address to serve on', '127.0.0.1:8081')
    .option('--broker <url>', 'MQTT broker: online/offline from the gateways\' retained status topics (without it: "unknown")')
    .option('--token-file <file>', 'file holding the access token (default: the AMSGATE_FLEET_TOKEN environment variable)')
    .option('--export-settings <file>', 'JSON with what the market exports need: {"axle": {"assetMap"}, "elering": {"meterMap"}, "volue": {"resourceMap"}, "dtc": {"fromMpid", "toMpid"}}')
    .addHelpText(
      'after',
      `
Read-only. People log in with the token once (session cookie); scripts send "Authorization: Bearer TOKEN".
The API is described in docs/openapi-fleet.yaml; the pages and the --export-settings file in docs/fleet-console.md.

Examples:
  openssl rand -base64 24 > fleet.token
  amsgate fleet-console --db collector.sqlite --token-file fleet.token --broker mqtt://127.0.0.1:1883
  amsgate fleet-console --db postgres://collector@db/fleet --token-file fleet.token --export-settings exports.json
  curl -H "Authorization: Bearer $(cat fleet.token)" http://127.0.0.1:8081/api/v1/fleet`,
    )
    .action(async (o: { db: string; listen: string; broker?: string; tokenFile?: string; exportSettings?: string }) => {
      const token = readToken(o.tokenFile, process.env.AMSGATE_FLEET_TOKEN);
      const { readExportSettings } = await import('../fleet-console/fleet-exports.js');
      const exportSettings = o.exportSettings ? readExportSettings(o.exportSettings) : {};
      const { listen, port } = parseConsoleAddress(o.listen);
      const store = await openStore(o.db);
      const { startFleetConsole } = await import('../fleet-console/fleet-app.js');
      const con = await startFleetConsole({ store, token, listen, port, broker: o.broker ?? null, exportSettings });
      process.stdout.write(`amsgate fleet console ${con.url} over ${store.kind} store${o.broker ? `, status from ${o.broker.replace(/\/\/[^@/]*@/, '//')}` : ''}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await con.close();
      await store.close();
    });
}
