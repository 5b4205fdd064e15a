// Server-side SVG of a device's half-hourly import (up) and export (down), drawn without JavaScript. Estimated
// periods are hatched, flagged ones carry a marker, and every bar has a <title> with its figures. Pure.
import { html } from 'hono/html';
import type { Html } from '../../device/console/layout.js';
import type { HalfHour } from './fleet-queries.js';

const HALF_HOUR = 1_800_000;

export function halfHourChart(rows: HalfHour[], fromMs: number, toMs: number, o: { width?: number; height?: number } = {}): Html {
  if (rows.length === 0) return html`<p>No half-hourly intervals in the window.</p>`;
  const w = o.width ?? 900;
  const h = o.height ?? 260;
  const pad = { l: 56, r: 8, t: 12, b: 28 };
  const slots = Math.max(1, Math.round((toMs - fromMs) / HALF_HOUR));
  const bw = (w - pad.l - pad.r) / slots;
  const byStart = new Map<string, { imp: number; exp: number; items: HalfHour[] }>();
  for (const r of rows) {
    const e = byStart.get(r.start) ?? { imp: 0, exp: 0, items: [] };
    if (r.channel === 'import') e.imp += r.energyWh;
    else e.exp += r.energyWh;
    e.items.push(r);
    byStart.set(r.start, e);
  }
  const max = Math.max(1, ...[...byStart.values()].flatMap((e) => [e.imp, e.exp]));
  // Import-only (a charger): the whole height is import, no empty export half.
  const both = rows.some((r) => r.channel === 'export');
  const mid = both ? pad.t + (h - pad.t - pad.b) / 2 : h - pad.b;
  const scale = (h - pad.t - pad.b) / (both ? 2 : 1) / max;
  const bars = rows.map((r) => {
    const x = pad.l + ((Date.parse(r.start) - fromMs) / HALF_HOUR) * bw;
    const len = r.energyWh * scale;
    const y = r.channel === 'import' ? mid - len : mid;
    const cls = `${r.channel} ${r.quality}${r.flags.length ? ' flagged' : ''}`;
    const tip = `${r.meter} ${r.channel} ${r.start.slice(0, 16)}Z: ${r.energyWh} Wh, ${r.quality}${r.flags.length ? `, flags ${r.flags.join(' ')}` : ''}, revision ${r.revision}`;
    return html`<rect class="${cls}" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${Math.max(0.5, len).toFixed(1)}"><title>${tip}</title></rect>${r.flags.length ? html`<circle class="flag" cx="${(x + bw / 2).toFixed(1)}" cy="${(r.channel === 'import' ? y - 4 : y + len + 4).toFixed(1)}" r="2.5"></circle>` : ''}`;
  });
  const ticks: Html[] = [];
  const stepSlots = Math.max(1, Math.ceil(slots / 8));
  for (let s = 0; s <= slots; s += stepSlots) {
    const t = fromMs + s * HALF_HOUR;
    // Anchored so that the first and last labels stay inside the picture.
    const anchor = s === 0 ? 'start' : s + stepSlots > slots ? 'end' : 'middle';
    ticks.push(html`<text x="${(pad.l + s * bw).toFixed(1)}" y="${h - 8}" class="tick" text-anchor="${anchor}">${new Date(t).toISOString().slice(5, 16).replace('T', ' ')}</text>`);
  }
  return html`<svg class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="Half-hourly import (up) and export (down), Wh">
<defs><pattern id="hatch" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="2" height="4" fill="#c77d00"></rect></pattern></defs>
<style>.import.actual{fill:#2a6fb0}.export.actual{fill:#2f9e5b}.estimated{fill:url(#hatch)}.flag{fill:#b00020}.tick,.ax{font:10px sans-serif;fill:#444}line{stroke:#999}</style>
<line x1="${pad.l}" x2="${w - pad.r}" y1="${mid}" y2="${mid}"></line>
<text class="ax" x="4" y="${pad.t + 10}">${max} Wh</text><text class="ax" x="4" y="${mid + 4}">0</text>${both ? html`<text class="ax" x="4" y="${h - pad.b}">-${max} Wh</text>` : ''}
${bars}${ticks}</svg>
<p class="muted">Blue: import, green: export (downwards), hatched: estimated, red dot: flags. Hover a bar for its figures.</p>`;
}
