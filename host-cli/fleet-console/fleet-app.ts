// The fleet console's HTTP application (hono) and its start: token auth, the JSON API, the pages over it.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { TransportError } from '../../drivers/errors.js';
import { registerAssets } from '../../device/console/console-app.js';
import type { CollectorStore } from '../collector/store-types.js';
import { installFleetAuth, type FleetEnv } from './fleet-auth.js';
import { registerFleetApi, type FleetContext } from './fleet-api.js';
import { registerMarketExports, type ExportSettings } from './fleet-exports.js';
import { FLEET_NAV, registerFleetPages } from './fleet-pages.js';
import { StatusWatch } from './status-watch.js';

export function fleetApp(x: FleetContext, token: string): Hono<FleetEnv> {
  const app = new Hono<FleetEnv>();
  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('X-Frame-Options', 'DENY');
    c.header('Content-Security-Policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
  });
  installFleetAuth(app, { token, now: x.now, nav: FLEET_NAV });
  registerAssets(app as unknown as Hono, ['console.css']);
  registerFleetApi(app, x);
  registerMarketExports(app, x);
  registerFleetPages(app, x);
  return app;
}

export interface RunningFleetConsole {
  url: string;
  /** How many gateways' retained status has arrived (they come after the subscription, asynchronously). */
  statusesSeen(): number;
  close(): Promise<void>;
}

export async function startFleetConsole(o: { store: CollectorStore; token: string; listen: string; port: number; broker: string | null; now?: () => number; exportSettings?: ExportSettings }): Promise<RunningFleetConsole> {
  const watch = await StatusWatch.start(o.broker);
  const app = fleetApp({ store: o.store, watch, now: o.now ?? Date.now, exportSettings: o.exportSettings ?? {} }, o.token);
  const server = serve({ fetch: app.fetch, hostname: o.listen, port: o.port });
  const addr = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('listening', () => resolve(server.address() as AddressInfo));
    server.once('error', (e: NodeJS.ErrnoException) => reject(new TransportError('fleet-console-listen', `the fleet console cannot listen on ${o.listen}:${o.port} (${e.code ?? e.message})`)));
  });
  return {
    url: `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`,
    statusesSeen: () => watch.statuses.size,
    close: async () => {
      (server as import('node:http').Server).closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
      await watch.close();
    },
  };
}
