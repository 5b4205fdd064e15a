// The fleet console's JSON API (docs/openapi-fleet.yaml): read-only, the same objects the pages render.
import type { Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ConfigError } from '../../drivers/errors.js';
import { parseDateOption } from '../collector/registry.js';
import { REJECT_REASONS, type CollectorStore } from '../collector/store-types.js';
import { latestRevisions } from '../exports/intervals.js';
import { ExportRefused } from '../exports/refusal.js';
import type { FleetEnv } from './fleet-auth.js';
import type { ExportSettings } from './fleet-exports.js';
import { deviceDetail, exportRecords, fleetOverview, rejectionList } from './fleet-queries.js';
import type { StatusWatch } from './status-watch.js';

export interface FleetContext {
  store: CollectorStore;
  watch: StatusWatch;
  /** Real time (the default end of a window). */
  now: () => number;
  /** Maps and ids the market exporters need (--export-settings); a format without settings answers 409. */
  exportSettings: ExportSettings;
}

const HALF_HOUR = 1_800_000;
const DAY = 86_400_000;

/** ?from=&to= (YYYY-MM-DD or ISO); default: the two days up to the next half-hour boundary. Throws ConfigError. */
export function windowOf(c: Context, now: number): { fromMs: number; toMs: number } {
  const to = c.req.query('to');
  const from = c.req.query('from');
  const toMs = to ? parseDateOption(to, 'to') : Math.ceil(now / HALF_HOUR) * HALF_HOUR;
  const fromMs = from ? parseDateOption(from, 'from') : toMs - 2 * DAY;
  if (fromMs >= toMs) throw new ConfigError('bad-date', `from ${new Date(fromMs).toISOString()} is not before to ${new Date(toMs).toISOString()}`);
  if (toMs - fromMs > 400 * DAY) throw new ConfigError('bad-date', 'the window is longer than 400 days; ask for a shorter one');
  return { fromMs, toMs };
}

const csvCell = (v: unknown): string => {
  const s = String(v ?? '');
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function registerFleetApi(app: Hono<FleetEnv>, x: FleetContext): void {
  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    if (err instanceof ExportRefused) return c.json({ error: err.message }, 422);
    if (err instanceof ConfigError) return c.json({ error: err.message }, err.code === 'export-not-configured' ? 409 : 400);
    return c.json({ error: `internal error: ${err.message}` }, 500);
  });

  app.get('/api/v1/fleet', async (c) => {
    const w = windowOf(c, x.now());
    return c.json(await fleetOverview(x.store, x.watch.statuses, w.fromMs, w.toMs));
  });

  app.get('/api/v1/devices/:device', async (c) => {
    const w = windowOf(c, x.now());
    const d = await deviceDetail(x.store, c.req.param('device'), w.fromMs, w.toMs);
    return d ? c.json(d) : c.json({ error: `no device ${c.req.param('device')} in the store (no key, no records)` }, 404);
  });

  app.get('/api/v1/rejections', async (c) => {
    const limit = Math.min(1000, Math.max(1, Number(c.req.query('limit') ?? 100) || 100));
    const reason = c.req.query('reason') || undefined;
    if (reason && !REJECT_REASONS.includes(reason as never)) return c.json({ error: `reason "${reason}" is not one of ${REJECT_REASONS.join(', ')}` }, 400);
    return c.json({ rejections: await rejectionList(x.store, limit, reason) });
  });

  const intervals = async (c: Context<FleetEnv>, kind: 'csv' | 'json') => {
    const w = windowOf(c, x.now());
    const devices = (c.req.query('devices') ?? '').split(',').map((d) => d.trim()).filter(Boolean);
    if (devices.length === 0) return c.json({ error: 'devices is empty; give devices=ID[,ID...]' }, 400);
    const records = latestRevisions((await exportRecords(x.store, devices, w.fromMs, w.toMs)).map((i) => i.payload));
    const name = `intervals-${new Date(w.fromMs).toISOString().slice(0, 10)}-${new Date(w.toMs).toISOString().slice(0, 10)}`;
    if (kind === 'json') {
      c.header('Content-Disposition', `attachment; filename="${name}.json"`);
      return c.json({ window: { from: new Date(w.fromMs).toISOString(), to: new Date(w.toMs).toISOString() }, devices, records });
    }
    const head = ['device', 'meter', 'amsid', 'channel', 'resolution', 'start', 'end', 'settlement_date', 'settlement_period', 'energy_wh', 'energy_kwh', 'quality', 'coverage_permille', 'flags', 'revision', 'record_id'];
    const lines = records.map((r) => [r.dev, r.meter.id, r.amsid, r.channel, r.period.resolution, r.period.start, r.period.end, r.period.settlementDate, r.period.settlementPeriod ?? '', r.energyWh, r.energyKwh, r.quality, r.coveragePermille, r.flags.join(' '), r.revision, r.id].map(csvCell).join(','));
    c.header('Content-Disposition', `attachment; filename="${name}.csv"`);
    return c.body(`${[head.join(','), ...lines].join('\n')}\n`, 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  };
  app.get('/api/v1/exports/intervals.csv', (c) => intervals(c, 'csv'));
  app.get('/api/v1/exports/intervals.json', (c) => intervals(c, 'json'));
}
