// Live readings (pushed by Server-Sent Events, plotted with uPlot) and the gateway status page.
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { streamSSE } from 'hono/streaming';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { STORE_FILE } from '../runtime/gateway.js';
import type { ConsoleEnv } from './auth.js';
import type { ConsoleContext } from './console-context.js';
import { page, when } from './layout.js';
import type { LiveReading } from './live-feed.js';

const fmt = (v: number | null | undefined, digits: number): string => (v === null || v === undefined ? '-' : v.toFixed(digits));
const list = (v: number[] | null, digits: number): string => (v ? v.map((x) => x.toFixed(digits)).join(' / ') : '-');

/** The figures of one reading as [field, label, text]; the page and the pushed events share them. */
export function readingFields(r: LiveReading | undefined): [string, string, string][] {
  return [
    ['at', 'Read at (UTC)', r ? when(r.at) : '-'],
    ['voltageV', 'Voltage V (per phase)', list(r?.voltageV ?? null, 1)],
    ['currentA', 'Current A (per phase)', list(r?.currentA ?? null, 2)],
    ['powerW', 'Active power W', fmt(r?.powerW, 0)],
    ['powerFactor', 'Power factor', fmt(r?.powerFactor, 3)],
    ['frequencyHz', 'Frequency Hz', fmt(r?.frequencyHz, 2)],
    ...Object.entries(r?.registersKwh ?? {}).map(([ch, kwh]): [string, string, string] => [`reg-${ch}`, `Register ${ch} kWh`, kwh]),
  ];
}

export function registerLive(app: Hono<ConsoleEnv>, x: ConsoleContext): void {
  const dev = x.cfg.deviceId;
  app.get('/', (c) => {
    const body = html`<p class="muted">Values arrive as the gateway polls its meters (every ${x.cfg.pollIntervalMs / 1000} s of gateway time); without JavaScript, reload the page.</p>
${x.cfg.meters.map((m) => {
  const r = x.feed.latest.get(m.id);
  const err = x.feed.errors.get(m.id);
  return html`<section aria-labelledby="h-${m.id}"><h2 id="h-${m.id}">Meter ${m.id} <span class="muted">(${m.model}, ${m.role})</span></h2>
${err ? html`<p class="error" role="alert">Last read failed: ${err.error}</p>` : ''}
<div class="wrap"><table data-meter="${m.id}"><tbody>${readingFields(r).map(([f, label, text]) => html`<tr><th scope="row">${label}</th><td class="num" data-field="${f}">${text}</td></tr>`)}</tbody></table></div>
<figure><div class="plot" id="plot-${m.id}" data-meter="${m.id}" role="img" aria-label="Active power of meter ${m.id}, last hour"></div><figcaption class="muted">Active power W, last ${'hour'} (gateway time)</figcaption></figure>
</section>`;
})}`;
    return c.html(page({ title: 'Live readings', device: dev, path: '/', csrf: c.get('session').csrf, body, scripts: ['/assets/uPlot.iife.min.js', '/assets/live.js'], head: html`<link rel="stylesheet" href="/assets/uPlot.min.css">` }));
  });

  app.get('/api/live', (c) =>
    c.json({
      device: dev,
      meters: x.cfg.meters.map((m) => ({ id: m.id, latest: x.feed.latest.get(m.id) ?? null, fields: readingFields(x.feed.latest.get(m.id)), history: x.feed.historyOf(m.id) })),
    }),
  );

  app.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      let stop: () => void = () => {};
      const closed = new Promise<void>((resolve) => {
        stream.onAbort(() => resolve());
        stop = x.feed.listen((r) => {
          void stream.writeSSE({ event: 'reading', data: JSON.stringify({ meter: r.meter, at: r.at, powerW: r.powerW, fields: readingFields(r) }) });
        });
      });
      await closed;
      stop();
    }),
  );

  app.get('/status', (c) => {
    const st = x.gateway.status();
    const backlog = x.gateway.store.outbox.backlog();
    const alarms = x.gateway.store.activeAlarms();
    let storeBytes: number | null = null;
    try {
      storeBytes = statSync(join(x.cfg.storePath, STORE_FILE)).size;
    } catch {
      storeBytes = null;
    }
    const b = x.feed.broker;
    const body = html`<div class="cards">
<div class="card">Broker link <b class="${b.state === 'connected' ? 'ok' : 'bad'}">${b.state}</b><span class="muted">since ${when(b.sinceMs)}</span></div>
<div class="card">Outbox backlog <b>${backlog.count}</b><span class="muted">oldest ${when(backlog.oldestMs)}</span></div>
<div class="card">Active alarms <b class="${alarms.length ? 'bad' : 'ok'}">${alarms.length}</b></div>
<div class="card">Gateway clock <b>${when(x.clock.now()).slice(11, 19)}</b><span class="muted">${when(x.clock.now()).slice(0, 10)} UTC</span></div>
<div class="card">Store size <b>${storeBytes === null ? '-' : (storeBytes / 1048576).toFixed(1)} MiB</b><span class="muted">${x.gateway.store.countIntervals()} interval records</span></div>
</div>
<h2>Meters</h2>
<div class="wrap"><table><thead><tr><th scope="col">Meter</th><th scope="col">State</th><th scope="col">Last good read</th><th scope="col">Registers kWh</th></tr></thead><tbody>
${st.meters.map((m) => html`<tr><td>${m.id}</td><td class="${m.ok ? 'ok' : 'bad'}">${m.ok ? 'reading' : `failing: ${m.error}`}</td><td>${when(m.lastOkMs)}</td><td>${Object.entries(m.registersKwh).map(([ch, v]) => `${ch} ${v}`).join(', ')}</td></tr>`)}
</tbody></table></div>
<h2>Active alarms</h2>
${alarms.length === 0 ? html`<p>None.</p>` : html`<div class="wrap"><table><thead><tr><th scope="col">Alarm</th><th scope="col">Meter</th><th scope="col">Raised</th><th scope="col">Detail</th></tr></thead><tbody>${alarms.map((a) => html`<tr><td>${a.kind}</td><td>${a.meter || '-'}</td><td>${when(a.raisedAt)}</td><td>${a.detail}</td></tr>`)}</tbody></table></div>`}`;
    return c.html(page({ title: 'Status', device: dev, path: '/status', csrf: c.get('session').csrf, body }));
  });
}
