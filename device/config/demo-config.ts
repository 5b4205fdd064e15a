// The demo gateway: a simulated SDM630 on an EV charger and a simulated BL0942 in a home battery, an
// in-process broker, everything stored under one directory. Simulated meters use two placeholders the
// runtime resolves: {tcp: '127.0.0.1:0'} (start the simulator on a free port, use that port) and
// {serial: 'auto'} (create a socat pty pair, simulator on one end, driver on the other). With
// broker.embedded the runtime starts an in-process broker on the URL's port (0 = any free port).
import { join } from 'node:path';
import type { GatewayConfig } from './gateway-config.js';
import { NEUTRAL_COMPENSATION } from '../compensation/compensation.js';

// Whole current: no transformers, no errors, all multipliers 1.
const WHOLE_CURRENT = NEUTRAL_COMPENSATION;

export function demoConfig(dataDir: string): GatewayConfig {
  return {
    deviceId: 'demo-gw-01',
    timeZone: 'Europe/London',
    meters: [
      {
        id: 'charger',
        model: 'sdm630',
        connection: { tcp: '127.0.0.1:0' },
        unit: 1,
        serial: 'SIM630-000001',
        amsid: { import: '2000000000015' },
        role: 'charger',
        supply: 'ac',
        phases: 3,
        ratedVoltageV: 230,
        ratedCurrentA: 5,
        maxCurrentA: 100,
        compensation: { ...WHOLE_CURRENT },
        simulate: { profile: 'ev-charging', ratingW: 11_000 },
      },
      {
        id: 'battery',
        model: 'bl0942',
        connection: { serial: 'auto' },
        serial: 'SIMBL0942-000001',
        amsid: { import: '2000000000024', export: '2000000000033' },
        role: 'battery',
        supply: 'ac',
        phases: 1,
        ratedVoltageV: 230,
        ratedCurrentA: 1,
        maxCurrentA: 25,
        compensation: { ...WHOLE_CURRENT },
        simulate: { profile: 'battery', ratingW: 5_000 },
      },
    ],
    pollIntervalMs: 10_000,
    persistIntervalMs: 300_000,
    resolutions: ['PT30M'],
    closeAfterMs: 60_000,
    maxGapMs: 300_000,
    // Embedded broker: the runtime starts aedes on the URL's port; port 0 means any free port.
    broker: { url: 'mqtt://127.0.0.1:0', keepaliveS: 30, embedded: true },
    storePath: dataDir,
    keys: { dir: join(dataDir, 'keys'), algorithm: 'ES256' },
    retention: { intervalDays: 400, rawReadingDays: 35 },
    outbox: { maxBacklog: 200_000, alarmBacklog: 50_000 },
  };
}
