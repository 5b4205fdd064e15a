// The latest intervals with their quality and flags, a download of the signed records, and the device identity
// (device id, AMSIDs, public key and fingerprint as text and as a QR code drawn server-side as SVG).
import type { Hono } from 'hono';
import { html, raw } from 'hono/html';
import QRCode from 'qrcode';
import type { IntervalRecord } from '../records/record-types.js';
import { publicKeyPem } from '../signing/device-key.js';
import { decodeCompactUnverified } from '../signing/jws.js';
import type { ConsoleEnv } from './auth.js';
import type { ConsoleContext } from './console-context.js';
import { page, when } from './layout.js';

const LATEST = 48;
const DAY = 86_400_000;

export function registerRecords(app: Hono<ConsoleEnv>, x: ConsoleContext): void {
  const dev = x.cfg.deviceId;
  app.get('/intervals', (c) => {
    const rows = x.gateway.store.recentIntervals(LATEST);
    const body = html`<p><a href="/intervals/records.jws?days=1" download>Download the signed records of the last day</a> (one JWS compact record a line, as published; verify with <code>amsgate verify</code>).</p>
<p class="muted">The ${LATEST} most recent records, newest first. Energy is integer Wh of compensated primary energy.</p>
<div class="wrap"><table><thead><tr><th scope="col">Meter / channel</th><th scope="col">Period (UTC)</th><th scope="col">SP</th><th scope="col">kWh</th><th scope="col">Quality</th><th scope="col">Coverage</th><th scope="col">Flags</th><th scope="col">Rev / seq</th></tr></thead><tbody>
${rows.map((r) => {
  const p = decodeCompactUnverified(r.compact).payload as IntervalRecord;
  return html`<tr><td>${r.meter} / ${r.channel}</td><td>${p.period.start.slice(0, 16)}–${p.period.end.slice(11, 16)}</td><td>${p.period.settlementPeriod ?? '-'}</td><td class="num">${p.energyKwh}</td><td class="${p.quality === 'actual' ? 'ok' : 'warn'}">${p.quality}</td><td class="num">${p.coveragePermille / 10} %</td><td>${p.flags.length ? p.flags.map((f) => html`<span class="flag">${f}</span>`) : '-'}</td><td>${p.revision} / ${p.seq}</td></tr>`;
})}
</tbody></table></div>`;
    return c.html(page({ title: 'Latest intervals', device: dev, path: '/intervals', csrf: c.get('session').csrf, body }));
  });

  app.get('/intervals/records.jws', (c) => {
    const days = Math.min(400, Math.max(1, Number(c.req.query('days') ?? 1) || 1));
    const to = x.clock.now() + DAY;
    const rows = x.gateway.store.latestIntervals(to - (days + 1) * DAY, to);
    c.header('Content-Disposition', `attachment; filename="${dev}-intervals-${days}d.jws"`);
    return c.body(rows.map((r) => `${r.compact}\n`).join(''), 200, { 'Content-Type': 'application/jose; charset=utf-8' });
  });

  app.get('/identity', async (c) => {
    const jwk = x.key.publicJwk;
    const qrText = JSON.stringify({ device: dev, kid: x.key.kid, jwk });
    const svg = await QRCode.toString(qrText, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    const body = html`<div class="wrap"><table><tbody>
<tr><th scope="row">Device id</th><td>${dev}</td></tr>
${x.cfg.meters.map((m) => html`<tr><th scope="row">Meter ${m.id}</th><td>${m.model}, serial ${m.serial}<br>Import AMSID <b>${m.amsid.import}</b>${m.amsid.export ? html`<br>Export AMSID <b>${m.amsid.export}</b>` : ''}</td></tr>`)}
<tr><th scope="row">Signing algorithm</th><td>${x.key.alg}</td></tr>
<tr><th scope="row">Key fingerprint (kid, RFC 7638 SHA-256 thumbprint)</th><td><code class="id">${x.key.kid}</code></td></tr>
</tbody></table></div>
<h2>Public key</h2><pre>${publicKeyPem(x.key)}</pre>
<h2>QR code</h2><p>The device id, kid and public JWK as JSON, for registering the gateway at the head-end.</p>
<div class="qr" role="img" aria-label="QR code of the device id and public key">${raw(svg)}</div>
<pre>${qrText}</pre>`;
    return c.html(page({ title: 'Device identity', device: dev, path: '/identity', csrf: c.get('session').csrf, body }));
  });
}
