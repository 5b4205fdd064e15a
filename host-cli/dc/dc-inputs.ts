// Inputs of the `amsgate dc` commands read from files: gateway configurations and known-consumption sessions.
import { readFileSync } from 'node:fs';
import type { MeterConfig } from '../../device/config/gateway-config.js';
import { ConfigError } from '../../drivers/errors.js';
import { metersFromGatewayConfigs } from '../exports/export-source.js';
import type { Session } from './validation/validate-series.js';

export function meters(paths: string[] | undefined): Map<string, MeterConfig> {
  return paths?.length ? metersFromGatewayConfigs(paths) : new Map();
}

/** --sessions FILE: [{"device", "meter"?, "from", "to", "source"?}] periods of known consumption (e.g. OCPP sessions). */
export function sessions(path: string | undefined): Session[] {
  if (!path) return [];
  let j: unknown;
  try {
    j = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError('option', `--sessions ${path}: ${(e as Error).message}`);
  }
  if (!Array.isArray(j)) throw new ConfigError('option', `--sessions ${path}: expected a JSON array of {"device", "meter"?, "from", "to", "source"?}`);
  return j.map((x: { device?: unknown; meter?: unknown; from?: unknown; to?: unknown; source?: unknown }, i) => {
    const fromMs = typeof x.from === 'string' ? Date.parse(x.from) : NaN;
    const toMs = typeof x.to === 'string' ? Date.parse(x.to) : NaN;
    if (typeof x.device !== 'string' || Number.isNaN(fromMs) || Number.isNaN(toMs) || !(fromMs < toMs)) {
      throw new ConfigError('option', `--sessions ${path}[${i}]: needs "device" and ISO "from" < "to"`);
    }
    return { device: x.device, meter: typeof x.meter === 'string' ? x.meter : undefined, fromMs, toMs, source: typeof x.source === 'string' ? x.source : 'session' };
  });
}
