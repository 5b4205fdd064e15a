// The one place `amsgate run` touches the installer console. It imports nothing of the console until a console
// is configured (console: block or --console), so a gateway without one carries none of it in memory.
import { ConfigError } from '../../drivers/errors.js';
import type { Clock } from '../../drivers/clock.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { Gateway, GatewayEvent } from '../runtime/gateway.js';

export interface ConsoleHook {
  /** Give it every gateway event (the gateway's onEvent). */
  observe(e: GatewayEvent): void;
  /** Starts listening once the gateway runs; returns the console's URL. */
  start(gateway: Gateway, clock: Clock, brokerUrl: string | null): Promise<string>;
  close(): Promise<void>;
}

/** "--console HOST:PORT" (or just PORT, on 127.0.0.1). */
export function parseConsoleAddress(text: string): { listen: string; port: number } {
  const m = /^(?:(\[[^\]]+\]|[^:\s]+):)?(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new ConfigError('option', `--console "${text}": expected HOST:PORT or PORT, e.g. 127.0.0.1:8080`);
  return { listen: (m[1] ?? '127.0.0.1').replace(/^\[|\]$/g, ''), port };
}

export async function consoleHook(cfg: GatewayConfig, override?: string): Promise<ConsoleHook | null> {
  const settings = override ? parseConsoleAddress(override) : cfg.console;
  if (!settings) return null;
  // Refused before the gateway starts: a LAN address needs a password.
  const { checkListen } = await import('./listen-policy.js');
  const { readPasswordHash } = await import('./password.js');
  checkListen(settings, readPasswordHash(cfg.storePath) !== null);
  const c = await import('./start-console.js');
  const feed = new c.LiveFeed();
  let running: Awaited<ReturnType<typeof c.startConsole>> | null = null;
  return {
    observe: (e) => feed.observe(e),
    start: async (gateway, clock, brokerUrl) => {
      running = await c.startConsole({ cfg, settings, gateway, clock, feed, brokerUrl });
      return running.url;
    },
    close: async () => {
      await running?.close();
    },
  };
}
