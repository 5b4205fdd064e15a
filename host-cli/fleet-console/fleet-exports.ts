// Market-format downloads of the fleet console (GET /api/v1/exports/{axle,elering,volue,dtc}) for a device set and a
// date range: the exporters of `amsgate export` (host-cli/exports/) through their public functions, with the maps
// they need from the console's --export-settings file. A refusal is 422 with the exporter's reason.
import type { Context, Hono } from 'hono';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../drivers/errors.js';
import { localDayStartMs } from '../../device/settlement/periods.js';
import type { IntervalRecord } from '../../device/records/record-types.js';
import type { CollectorStore } from '../collector/store-types.js';
import { buildAxleReadings, type AxleAssetEntry } from '../exports/axle.js';
import { buildDtcFile } from '../exports/dtc.js';
import { buildEleringMessages, type EleringResolution } from '../exports/elering.js';
import { checkDevice, rolesFromGatewayConfigs } from '../exports/export-source.js';
import { latestRevisions } from '../exports/intervals.js';
import { stringifyWithKwh } from '../exports/kwh.js';
import { buildVolueReport, type VolueResource } from '../exports/volue.js';
import type { FleetEnv } from './fleet-auth.js';
import { windowOf } from './fleet-api.js';
import { exportRecords } from './fleet-queries.js';

export const MARKET_FORMATS = ['axle', 'elering', 'volue', 'dtc'] as const;
export type MarketFormatName = (typeof MARKET_FORMATS)[number];

/** The --export-settings file: what each exporter needs besides the records (docs/fleet-console.md). */
export interface ExportSettings {
  axle?: { assetMap: Record<string, AxleAssetEntry>; gatewayConfigs?: string[]; lifetime?: boolean; skipUnlabelled?: boolean };
  elering?: { meterMap: Record<string, string> };
  volue?: { resourceMap: Record<string, VolueResource> };
  dtc?: { fromMpid: string; toMpid: string; fromRole?: string; toRole?: string; testFlag?: string };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads and checks the settings file; ConfigError (exit 2) names the member that is wrong. */
export function readExportSettings(path: string): ExportSettings {
  let j: unknown;
  try {
    j = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError('export-settings', `--export-settings ${path}: ${(e as Error).message}; expected JSON {"axle": {...}, "elering": {...}, "volue": {...}, "dtc": {...}}`);
  }
  if (!isObj(j)) throw new ConfigError('export-settings', `--export-settings ${path}: not a JSON object`);
  const need = (fmt: string, member: string, ok: (v: unknown) => boolean, what: string) => {
    const f = j[fmt];
    if (f === undefined) return;
    if (!isObj(f) || !ok(f[member])) throw new ConfigError('export-settings', `--export-settings ${path}: ${fmt}.${member} must be ${what}`);
  };
  for (const k of Object.keys(j)) if (!(MARKET_FORMATS as readonly string[]).includes(k)) throw new ConfigError('export-settings', `--export-settings ${path}: unknown member "${k}"; expected ${MARKET_FORMATS.join(', ')}`);
  need('axle', 'assetMap', isObj, 'an object {"device/meter" | "device": uuid | {"assetId", "role"}}');
  need('axle', 'gatewayConfigs', (v) => v === undefined || (Array.isArray(v) && v.every((p) => typeof p === 'string')), 'a list of gateway configuration files');
  need('elering', 'meterMap', isObj, 'an object {"device/meter" | "device": "<EIC>"}');
  need('volue', 'resourceMap', isObj, 'an object {"device/meter" | "device": {"resourceId", "locationId", "meterPointId"?}}');
  need('dtc', 'fromMpid', (v) => typeof v === 'string', 'the sender\'s 4-character market participant id');
  need('dtc', 'toMpid', (v) => typeof v === 'string', 'the recipient\'s 4-character market participant id');
  return j as ExportSettings;
}

export interface Built {
  text: string;
  contentType: string;
  ext: string;
}

interface Request {
  records: IntervalRecord[];
  fromMs: number;
  toMs: number;
  query: (name: string) => string | undefined;
  now: () => number;
}

const json = (v: unknown): Built => ({ text: `${stringifyWithKwh(v)}\n`, contentType: 'application/json; charset=utf-8', ext: 'json' });
const flag = (v: string | undefined): boolean => v === '1' || v === 'true' || v === 'on';
const HOUR = 3_600_000;

/** Builds one format's document with the exporter's own function; throws ExportRefused or ConfigError. */
export function buildMarketExport(format: MarketFormatName, s: ExportSettings, r: Request): Built {
  const missing = () => new ConfigError('export-not-configured', `this console has no ${format} settings: give fleet-console --export-settings FILE with a "${format}" member (docs/fleet-console.md)`);
  switch (format) {
    case 'axle': {
      if (!s.axle) throw missing();
      const roles = s.axle.gatewayConfigs?.length ? rolesFromGatewayConfigs(s.axle.gatewayConfigs) : undefined;
      return json(buildAxleReadings(r.records, { assetMap: s.axle.assetMap, roles, lifetime: s.axle.lifetime, skipUnlabelled: s.axle.skipUnlabelled, allowEstimated: flag(r.query('allowEstimated')) }));
    }
    case 'elering': {
      if (!s.elering) throw missing();
      const res = r.query('resolution') || 'PT15M';
      if (res !== 'PT15M' && res !== 'PT1H') throw new ConfigError('option', `resolution "${res}": expected PT15M or PT1H`);
      return json(buildEleringMessages(r.records, { resolution: res as EleringResolution, meterMap: s.elering.meterMap, newId: randomUUID, now: r.now }));
    }
    case 'volue': {
      if (!s.volue) throw missing();
      const eventId = r.query('eventId');
      if (!eventId) throw new ConfigError('option', 'eventId is empty; a Volue EnergyUsage report answers one event: give eventId=...');
      // The event's hours: every UTC hour that starts in [from, to).
      const hours: number[] = [];
      for (let t = Math.ceil(r.fromMs / HOUR) * HOUR; t < r.toMs; t += HOUR) hours.push(t);
      return json(buildVolueReport(r.records, { eventId, hours }, s.volue.resourceMap, { allowEstimated: flag(r.query('allowEstimated')) }));
    }
    case 'dtc': {
      if (!s.dtc) throw missing();
      // Settlement dates, checked by dtcWindow.
      const from = r.query('from') ?? '';
      const to = r.query('to') ?? '';
      const file = buildDtcFile(r.records, {
        fromDate: from, toDate: to, fileId: r.query('fileId') || String(Math.floor(r.now() / 1000) % 10_000_000_000),
        fromRole: s.dtc.fromRole ?? 'C', fromMpid: s.dtc.fromMpid, toRole: s.dtc.toRole ?? 'X', toMpid: s.dtc.toMpid, testFlag: s.dtc.testFlag, now: r.now,
      });
      return { text: file.text, contentType: 'text/plain; charset=utf-8', ext: 'txt' };
    }
  }
}

/** The devices of the request, each known to the store (checkDevice of `amsgate export`). */
async function devicesOf(c: Context, store: CollectorStore): Promise<string[]> {
  const devices = (c.req.query('devices') ?? '').split(',').map((d) => d.trim()).filter(Boolean);
  if (devices.length === 0) throw new ConfigError('option', 'devices is empty; give devices=ID[,ID...]');
  for (const d of devices) await checkDevice(store, d);
  return devices;
}

export function registerMarketExports(app: Hono<FleetEnv>, x: { store: CollectorStore; now: () => number; exportSettings: ExportSettings }): void {
  app.get('/api/v1/exports/:format{axle|elering|volue|dtc}', async (c) => {
    const format = c.req.param('format') as MarketFormatName;
    const devices = await devicesOf(c, x.store);
    // DTC ranges are GB settlement dates (local days); the others period starts in [from, to).
    const w = format === 'dtc' ? dtcWindow(c) : windowOf(c, x.now());
    const records = latestRevisions((await exportRecords(x.store, devices, w.fromMs, w.toMs)).map((i) => i.payload));
    const built = buildMarketExport(format, x.exportSettings, { records, fromMs: w.fromMs, toMs: w.toMs, query: (n) => c.req.query(n), now: x.now });
    const day = (ms: number, q: string) => (format === 'dtc' ? c.req.query(q)! : new Date(ms).toISOString().slice(0, 10));
    const name = `${format}-${day(w.fromMs, 'from')}-${day(w.toMs, 'to')}.${built.ext}`;
    c.header('Content-Disposition', `attachment; filename="${name}"`);
    return c.body(built.text, 200, { 'Content-Type': built.contentType });
  });
}

function dtcWindow(c: Context): { fromMs: number; toMs: number } {
  const from = c.req.query('from') ?? '';
  const to = c.req.query('to') ?? '';
  for (const d of [from, to]) if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new ConfigError('option', `dtc needs from and to as settlement dates YYYY-MM-DD, not "${d}"`);
  if (!(from < to)) throw new ConfigError('bad-range', `dtc from ${from} is not before to ${to} (to is the settlement date after the last one)`);
  return { fromMs: localDayStartMs(from), toMs: localDayStartMs(to) };
}
