// A running gateway with its installer console for the console tests: a simulated SDM630 (constant 7 kW) on
// Modbus TCP, an in-process broker, the real Gateway on a 60x clock that starts two minutes before a half-hour
// boundary (the first interval closes within seconds), and the console on a free loopback port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogEntry, type RunningSimulator } from '../../drivers/catalog.js';
import { scaledClock, type Clock } from '../../drivers/clock.js';
import { parseConfig, type GatewayConfig } from '../../device/config/gateway-config.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../device/mqtt/embedded-broker.js';
import { Gateway } from '../../device/runtime/gateway.js';
import { LiveFeed, startConsole, type RunningConsole } from '../../device/console/start-console.js';
import { setConsolePassword } from '../../host-cli/commands/console.js';

export const PASSWORD = 'correct horse battery staple';

export interface ConsoleRig {
  dir: string;
  cfg: GatewayConfig;
  clock: Clock;
  gateway: Gateway;
  console: RunningConsole;
  close(): Promise<void>;
}

export async function startRig(o: { password?: boolean; realNow?: () => number } = {}): Promise<ConsoleRig> {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-console-'));
  const start = Math.ceil(Date.now() / 1_800_000) * 1_800_000 - 120_000;
  const clock = scaledClock(60, start);
  const sim: RunningSimulator = await catalogEntry('sdm630').startSimulator({ listen: { tcp: '127.0.0.1:0' }, unit: 1, clock, profile: 'constant', ratingW: 7000, wireTiming: false });
  const broker: EmbeddedBroker = await startEmbeddedBroker(0);
  const cfg = parseConfig(
    {
      deviceId: 'gw-console-1',
      meters: [{ id: 'charger', model: 'sdm630', connection: { tcp: sim.address }, unit: 1, serial: '12345678', amsid: { import: '2000000000015' }, role: 'charger', phases: 3, ratedVoltageV: 230, ratedCurrentA: 5, maxCurrentA: 100 }],
      broker: { url: broker.url },
      storePath: join(dir, 'data'),
      console: { listen: '127.0.0.1', port: 0 },
    },
    join(dir, 'gateway.json'),
  );
  if (o.password !== false) await setConsolePassword(cfg.storePath, PASSWORD);
  // Set up before anything can fail below, so a failing start still closes what it opened.
  let gateway: Gateway | null = null;
  let con: RunningConsole | null = null;
  const closeAll = async (): Promise<void> => {
    await con?.close();
    await gateway?.stop();
    await sim.close();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const feed = new LiveFeed();
    gateway = new Gateway({ config: cfg, clock, brokerUrl: broker.url, onEvent: (e) => feed.observe(e) });
    await gateway.start();
    con = await startConsole({ cfg, settings: cfg.console!, gateway, clock, feed, brokerUrl: broker.url, realNow: o.realNow });
    return { dir, cfg, clock, gateway, console: con, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** Waits for `cond` (polled every 25 ms), failing with `what` after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
