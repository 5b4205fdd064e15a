// The fleet console's pages, rendered from the API's objects (fleet-queries.ts): overview with counts, sorting and
// filtering by query string (works without JavaScript), one device with its chart, rejections, and exports.
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import { page, type Html } from '../../device/console/layout.js';
import { REJECT_REASONS } from '../collector/store-types.js';
import type { FleetEnv } from './fleet-auth.js';
import { windowOf, type FleetContext } from './fleet-api.js';
import type { ResendState } from './fleet-alarms.js';
import type { GatewayAlarmView } from './gateway-alarms.js';
import { halfHourChart } from './fleet-chart.js';
import { MARKET_FORMATS, type MarketFormatName } from './fleet-exports.js';
import { deviceDetail, fleetOverview, rejectionList, type DeviceSummary, type RejectionView } from './fleet-queries.js';

export const FLEET_NAV: [string, string][] = [
  ['/', 'Fleet'],
  ['/rejections', 'Rejections'],
  ['/exports', 'Exports'],
];

const SORTS: Record<string, (a: DeviceSummary, b: DeviceSummary) => number> = {
  device: (a, b) => a.device.localeCompare(b.device),
  status: (a, b) => a.status.localeCompare(b.status),
  lastSeen: (a, b) => (a.lastSeen ?? '').localeCompare(b.lastSeen ?? ''),
  openGaps: (a, b) => a.openGaps - b.openGaps,
  rejected: (a, b) => a.rejected - b.rejected,
  activeAlarms: (a, b) => a.activeAlarms - b.activeAlarms,
};

function frame(c: Context<FleetEnv>, title: string, path: string, body: Html): Response | Promise<Response> {
  return c.html(page({ title, device: 'fleet console', path, csrf: c.get('session')?.csrf ?? null, nav: FLEET_NAV, body }));
}

function rejectionTable(rows: RejectionView[]): Html {
  if (rows.length === 0) return html`<p>No rejected messages.</p>`;
  return html`<div class="wrap"><table><thead><tr><th scope="col">Received (UTC)</th><th scope="col">Device</th><th scope="col">Reason</th><th scope="col">Detail</th><th scope="col">Topic</th></tr></thead><tbody>
${rows.map((r) => html`<tr><td>${r.receivedAt}</td><td>${r.device ? html`<a href="/devices/${encodeURIComponent(r.device)}">${r.device}</a>` : '-'}</td><td><span class="flag">${r.reason}</span></td><td>${r.detail}</td><td><code>${r.topic}</code></td></tr>`)}
</tbody></table></div>`;
}

function resendCell(r: ResendState): Html {
  const count = r.state === 'not-sealed' ? '' : ` (${r.requests} request${r.requests === 1 ? '' : 's'})`;
  return html`<td><span class="${r.state === 'alarm' ? 'bad' : r.state === 'requesting' ? 'warn' : 'muted'}">${r.state}</span>${count}${r.since ? ` since ${r.since}` : ''}<br><span class="muted">${r.detail}</span></td>`;
}

/** The gateway's signed alarm records: active first, then the history (each record raised or cleared at `at`). */
function gatewayAlarmTable(rows: GatewayAlarmView[]): Html {
  if (rows.length === 0) return html`<p>No alarm records from the gateway.</p>`;
  return html`<div class="wrap"><table><thead><tr><th scope="col">State</th><th scope="col">Kind</th><th scope="col">Meter</th><th scope="col">Raised / cleared at (UTC)</th><th scope="col">Seq</th><th scope="col">Detail</th></tr></thead><tbody>
${rows.map((a) => html`<tr><td class="${a.active ? 'bad' : 'muted'}">${a.active ? 'active' : a.state}</td><td><span class="flag">${a.alarm}</span></td><td>${a.meter ?? 'device-wide'}</td><td>${a.state} ${a.at}</td><td class="num">${a.seq}</td><td>${a.detail}</td></tr>`)}</tbody></table></div>`;
}

/** The chart spans the stored half-hours (at least 12 h), not the whole query window. */
function chartRange(rows: { start: string }[], fromMs: number, toMs: number): [number, number] {
  if (rows.length === 0) return [fromMs, toMs];
  const starts = rows.map((r) => Date.parse(r.start));
  const last = Math.max(...starts) + 1_800_000;
  return [Math.max(fromMs, Math.min(Math.min(...starts), last - 12 * 3_600_000)), Math.min(toMs, last)];
}

export function registerFleetPages(app: Hono<FleetEnv>, x: FleetContext): void {
  app.get('/', async (c) => {
    const w = windowOf(c, x.now());
    const o = await fleetOverview(x.store, x.watch.statuses, w.fromMs, w.toMs);
    const q = (c.req.query('q') ?? '').trim();
    const show = c.req.query('show') ?? 'all';
    const sort = SORTS[c.req.query('sort') ?? ''] ? c.req.query('sort')! : 'device';
    const dir = c.req.query('dir') === 'desc' ? 'desc' : 'asc';
    const rows = o.devices
      .filter((d) => !q || d.device.toLowerCase().includes(q.toLowerCase()))
      .filter((d) => show === 'all' || (show === 'gaps' ? d.openGaps > 0 : show === 'alarms' ? d.activeAlarms > 0 : show === 'rejected' ? d.rejected > 0 : d.status === show))
      .sort((a, b) => (dir === 'asc' ? 1 : -1) * SORTS[sort]!(a, b));
    const link = (key: string, label: string) => {
      const next = sort === key && dir === 'asc' ? 'desc' : 'asc';
      const p = new URLSearchParams({ ...(q ? { q } : {}), show, sort: key, dir: next });
      return html`<th scope="col" aria-sort="${sort === key ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}"><a href="/?${p.toString()}">${label}${sort === key ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}</a></th>`;
    };
    const n = o.counts;
    const body = html`<div class="cards">
<div class="card">Devices <b>${n.devices}</b></div><div class="card">Online <b class="ok">${n.online}</b></div><div class="card">Offline <b class="${n.offline ? 'bad' : ''}">${n.offline}</b></div>
<div class="card">Status unknown <b>${n.unknown}</b></div><div class="card">With gaps <b class="${n.withGaps ? 'warn' : ''}">${n.withGaps}</b></div><div class="card">With active alarms <b class="${n.withAlarms ? 'bad' : ''}">${n.withAlarms}</b></div><div class="card">With rejections <b class="${n.withRejections ? 'bad' : ''}">${n.withRejections}</b></div></div>
<form method="get" action="/" role="search"><label for="q">Filter by device id</label><input id="q" name="q" type="search" value="${q}">
<label for="show">Show</label><select id="show" name="show">${['all', 'online', 'offline', 'unknown', 'gaps', 'alarms', 'rejected'].map((s) => html`<option value="${s}"${s === show ? html` selected` : ''}>${s}</option>`)}</select>
<input type="hidden" name="sort" value="${sort}"><input type="hidden" name="dir" value="${dir}"><p><button type="submit">Apply</button></p></form>
<p class="muted">Window ${o.window.from} to ${o.window.to}; ${rows.length} of ${n.devices} devices shown.</p>
<div class="wrap"><table><thead><tr>${link('device', 'Device')}${link('status', 'Status')}${link('lastSeen', 'Last seen')}<th scope="col">Latest interval</th>${link('openGaps', 'Open gaps')}${link('activeAlarms', 'Active alarms')}${link('rejected', 'Rejected')}<th scope="col">Keys</th></tr></thead><tbody>
${rows.map((d) => html`<tr><td><a href="/devices/${encodeURIComponent(d.device)}">${d.device}</a></td><td class="${d.status === 'online' ? 'ok' : d.status === 'offline' ? 'bad' : 'muted'}">${d.status}</td><td>${d.lastSeen ?? '-'}</td><td>${d.latestInterval ? `${d.latestInterval.meter}/${d.latestInterval.channel} ${d.latestInterval.start.slice(0, 16)}Z ${d.latestInterval.energyWh} Wh ${d.latestInterval.quality}` : '-'}</td><td class="num">${d.openGaps}</td><td class="num${d.activeAlarms ? ' bad' : ''}">${d.activeAlarms}${d.activeAlarmLabels.map((l) => html`<br><span class="flag">${l}</span>`)}</td><td class="num">${d.rejected}</td><td class="num">${d.keys}</td></tr>`)}
</tbody></table></div>
<p class="muted">JSON: <a href="/api/v1/fleet">/api/v1/fleet</a> (docs/openapi-fleet.yaml).</p>`;
    return frame(c, 'Fleet', '/', body);
  });

  app.get('/devices/:device', async (c) => {
    const w = windowOf(c, x.now());
    const id = c.req.param('device');
    const d = await deviceDetail(x.store, id, w.fromMs, w.toMs);
    if (!d) return c.html(page({ title: 'Unknown device', device: 'fleet console', path: '', csrf: c.get('session')?.csrf ?? null, nav: FLEET_NAV, body: html`<p>No device ${id} in the store.</p>` }), 404);
    const body = html`<p class="muted">Window ${d.window.from} to ${d.window.to}. JSON: <a href="/api/v1/devices/${encodeURIComponent(id)}">/api/v1/devices/${id}</a></p>
<h2>Half-hourly energy</h2>${halfHourChart(d.halfHours, ...chartRange(d.halfHours, w.fromMs, w.toMs))}
<h2>Gaps</h2>${d.gaps.length === 0 && d.seqGaps.length === 0 ? html`<p>No missing periods or sequence numbers.</p>` : html`<div class="wrap"><table><thead><tr><th scope="col">Meter / channel</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Missing periods</th><th scope="col">Resend request</th></tr></thead><tbody>
${d.gaps.map((g) => html`<tr><td>${g.meter} / ${g.channel} ${g.resolution}</td><td>${g.from}</td><td>${g.to}</td><td class="num">${g.missing}</td>${resendCell(g.resend)}</tr>`)}
${d.seqGaps.map((g) => html`<tr><td>record chain (${g.where})</td><td>seq ${g.from}</td><td>seq ${g.to}</td><td class="num">${g.to - g.from + 1} record${g.to === g.from ? '' : 's'}</td>${resendCell(g.resend)}</tr>`)}</tbody></table></div>`}
<p class="muted">${d.tail ? `Latest seq announced by the gateway: ${d.tail.seq} (${d.tail.seenAt}).` : 'The gateway has announced no seq yet.'}</p>
<h2>Gateway alarms</h2>${gatewayAlarmTable(d.gatewayAlarms)}
<h2>Collector alarms</h2>${d.alarms.length === 0 ? html`<p>No collector alarms.</p>` : html`<div class="wrap"><table><thead><tr><th scope="col">Raised (UTC)</th><th scope="col">Kind</th><th scope="col">Seq</th><th scope="col">State</th><th scope="col">Detail</th></tr></thead><tbody>
${d.alarms.map((a) => html`<tr><td>${a.at}</td><td><span class="flag">${a.kind}</span></td><td>${a.fromSeq}..${a.toSeq}</td><td class="${a.active ? 'bad' : 'muted'}">${a.active ? 'active' : a.kind === 'recovered' ? '-' : 'recovered'}</td><td>${a.detail}</td></tr>`)}</tbody></table></div>`}
<h2>Key history</h2><div class="wrap"><table><thead><tr><th scope="col">Event</th><th scope="col">kid</th><th scope="col">alg</th><th scope="col">Valid from</th><th scope="col">Valid to</th><th scope="col">Source</th></tr></thead><tbody>
${d.keys.map((k) => html`<tr><td>${k.event}</td><td><code class="id">${k.kid}</code></td><td>${k.alg}</td><td>${k.validFrom}</td><td>${k.validTo ?? '-'}</td><td>${k.source}</td></tr>`)}</tbody></table></div>
<h2>Rejections</h2>${rejectionTable(d.rejections)}
<h2>Half-hours</h2>${d.halfHours.length === 0 ? html`<p>None in the window.</p>` : html`<div class="wrap"><table><thead><tr><th scope="col">Start (UTC)</th><th scope="col">Meter / channel</th><th scope="col">Wh</th><th scope="col">Quality</th><th scope="col">Flags</th><th scope="col">Rev</th></tr></thead><tbody>
${[...d.halfHours].sort((p, q) => q.start.localeCompare(p.start) || p.meter.localeCompare(q.meter) || p.channel.localeCompare(q.channel)).map((h) => html`<tr><td>${h.start.slice(0, 16)}Z</td><td>${h.meter} / ${h.channel}</td><td class="num">${h.energyWh}</td><td class="${h.quality === 'actual' ? 'ok' : 'warn'}">${h.quality}</td><td>${h.flags.map((f) => html`<span class="flag">${f}</span>`)}</td><td>${h.revision}</td></tr>`)}</tbody></table></div>`}`;
    return frame(c, `Device ${id}`, '', body);
  });

  app.get('/rejections', async (c) => {
    const reason = c.req.query('reason') || undefined;
    const rows = await rejectionList(x.store, 200, reason && REJECT_REASONS.includes(reason as never) ? reason : undefined);
    const body = html`<form method="get" action="/rejections"><label for="reason">Reason</label><select id="reason" name="reason"><option value="">any</option>${REJECT_REASONS.map((r) => html`<option value="${r}"${r === reason ? html` selected` : ''}>${r}</option>`)}</select><p><button type="submit">Apply</button></p></form>
<p class="muted">The newest 200, newest first. JSON: <a href="/api/v1/rejections">/api/v1/rejections</a></p>${rejectionTable(rows)}`;
    return frame(c, 'Rejected messages', '/rejections', body);
  });

  app.get('/exports', (c) => {
    const configured = (f: MarketFormatName) => x.exportSettings[f] !== undefined;
    const button = (f: MarketFormatName, label: string) =>
      html`<button type="submit" formaction="/api/v1/exports/${f}"${configured(f) ? '' : html` disabled title="no ${f} settings in --export-settings"`}>${label}</button>`;
    const body = html`<p>The latest revision of every interval of the chosen devices whose period starts in [from, to): as CSV or JSON, or as a market file built by the exporters of <code>amsgate export</code> (docs/exports.md). A file the format cannot represent is refused with the reason.</p>
<form method="get" action="/api/v1/exports/intervals.csv"><label for="devices">Devices (comma-separated ids)</label><input id="devices" name="devices" type="text" required>
<label for="from">From (YYYY-MM-DD, UTC; DTC: first settlement date)</label><input id="from" name="from" type="text" pattern="\\d{4}-\\d{2}-\\d{2}.*" required>
<label for="to">To, exclusive (YYYY-MM-DD, UTC; DTC: settlement date after the last)</label><input id="to" name="to" type="text" pattern="\\d{4}-\\d{2}-\\d{2}.*" required>
<p><button class="primary" type="submit">Download CSV</button> <button type="submit" formaction="/api/v1/exports/intervals.json">Download JSON</button></p>
<h2>Market files</h2>
<p><input id="allowEstimated" name="allowEstimated" type="checkbox" value="1"> <label for="allowEstimated" class="inline">Send estimated periods (Axle, Volue carry no quality flag)</label></p>
<label for="resolution">Elering resolution</label><select id="resolution" name="resolution"><option value="PT15M">PT15M</option><option value="PT1H">PT1H</option></select>
<label for="eventId">Volue event id (the event's hours: every hour in [from, to))</label><input id="eventId" name="eventId" type="text">
<label for="fileId">DTC file id (1-10 letters or digits; default from the clock)</label><input id="fileId" name="fileId" type="text" pattern="[A-Za-z0-9]{1,10}">
<p>${button('axle', 'Axle readings')} ${button('elering', 'Elering metering data')} ${button('volue', 'Volue EnergyUsage')} ${button('dtc', 'Elexon DTC file')}</p></form>
${MARKET_FORMATS.some((f) => !configured(f)) ? html`<p class="muted">Not configured on this console: ${MARKET_FORMATS.filter((f) => !configured(f)).join(', ')} (fleet-console --export-settings FILE, docs/fleet-console.md).</p>` : ''}`;
    return frame(c, 'Exports', '/exports', body);
  });
}
