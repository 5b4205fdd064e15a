// Starts the installer console beside a running gateway. `amsgate run` imports this module only when the
// configuration has a console: block, so a gateway without one carries none of it in memory.
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../drivers/clock.js';
import { TransportError } from '../../drivers/errors.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { Gateway } from '../runtime/gateway.js';
import { loadOrCreateDeviceKey } from '../signing/device-key.js';
import { consoleApp } from './console-app.js';
import { LiveFeed } from './live-feed.js';
import { checkListen, type ConsoleSettings } from './listen-policy.js';
import { readPasswordHash } from './password.js';

export interface RunningConsole {
  url: string;
  feed: LiveFeed;
  close(): Promise<void>;
}

/**
 * Refuses a non-loopback address without a password (ConfigError, exit 2) before binding anything. The feed must
 * be given the gateway's events (its `observe` is the gateway's onEvent), so create it first with `consoleFeed`.
 */
export async function startConsole(o: { cfg: GatewayConfig; settings: ConsoleSettings; gateway: Gateway; clock: Clock; feed: LiveFeed; brokerUrl: string | null; realNow?: () => number }): Promise<RunningConsole> {
  const password = readPasswordHash(o.cfg.storePath);
  checkListen(o.settings, password !== null);
  const key = loadOrCreateDeviceKey(o.cfg.keys.dir, o.cfg.keys.algorithm);
  const app = consoleApp({ cfg: o.cfg, gateway: o.gateway, clock: o.clock, feed: o.feed, brokerUrl: o.brokerUrl, key, password, realNow: o.realNow });
  const server = serve({ fetch: app.fetch, hostname: o.settings.listen, port: o.settings.port });
  const addr = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('listening', () => resolve(server.address() as AddressInfo));
    server.once('error', (e: NodeJS.ErrnoException) => reject(new TransportError('console-listen', `the console cannot listen on ${o.settings.listen}:${o.settings.port} (${e.code ?? e.message}); choose another console.port`)));
  });
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    feed: o.feed,
    close: () =>
      new Promise<void>((resolve) => {
        // SSE streams stay open for ever: close them with the server.
        (server as import('node:http').Server).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export { LiveFeed };
