// Error against current, one series per power factor, with the limit envelope and uncertainty bars:
// hand-written SVG (pure; no plotting library).
import type { Certificate, CertificatePoint } from './certificate.js';
import { limitTableFor } from '../limits/cop11-type5.js';

const W = 720;
const H = 420;
const M = { l: 64, r: 170, t: 24, b: 52 };

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface Series {
  key: string;
  label: string;
  colour: string;
  marker: 'circle' | 'square' | 'diamond';
}

export function seriesOf(p: CertificatePoint, c: Certificate): Series {
  const nominalV = Math.abs(p.voltageV - c.device.unV) < 1e-6 * c.device.unV;
  const nominalF = p.frequencyHz === null || c.device.fnHz === null || Math.abs(p.frequencyHz - c.device.fnHz) < 1e-9;
  if (p.direction === 'export') return { key: 'export', label: 'export (reverse flow)', colour: '#7d3c98', marker: 'circle' };
  if (!nominalV || !nominalF) return { key: 'influence', label: 'PF 1, U/f varied', colour: '#7a7a7a', marker: 'diamond' };
  if (p.pfKind === 'lag') return { key: 'lag', label: `PF ${p.pf} lag`, colour: '#c0392b', marker: 'square' };
  if (p.pfKind === 'lead') return { key: 'lead', label: `PF ${p.pf} lead`, colour: '#2e86c1', marker: 'diamond' };
  return { key: 'unity', label: p.pfKind === 'dc' ? 'd.c.' : 'PF 1', colour: '#1e8449', marker: 'circle' };
}

const niceStep = (span: number): number => {
  const raw = span / 6;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
};

export function errorPlotSvg(c: Certificate): string {
  const pts = c.points;
  const iMin = c.device.inA;
  const iMax = c.device.imaxA;
  const xLo = Math.max(0, iMin - (iMax - iMin) * 0.05);
  const xHi = iMax + (iMax - iMin) * 0.05;
  const maxLimit = Math.max(2.5, ...pts.map((p) => p.limitPct));
  const yAbs = Math.max(maxLimit * 1.3, ...pts.map((p) => Math.abs(p.meanErrorPct) + p.uncertainty.expandedPct) ) * 1.05;
  const x = (i: number): number => M.l + ((i - xLo) / (xHi - xLo)) * (W - M.l - M.r);
  const y = (e: number): number => M.t + ((yAbs - e) / (2 * yAbs)) * (H - M.t - M.b);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="Error against current" font-family="sans-serif" font-size="12">`);
  out.push(`<rect x="${M.l}" y="${M.t}" width="${W - M.l - M.r}" height="${H - M.t - M.b}" fill="#fff" stroke="#333"/>`);
  // grid and axes
  const ys = niceStep(2 * yAbs);
  for (let v = -Math.floor(yAbs / ys) * ys; v <= yAbs + 1e-9; v += ys) {
    out.push(`<line x1="${M.l}" x2="${W - M.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${Math.abs(v) < 1e-9 ? '#333' : '#e5e5e5'}"/>`);
    out.push(`<text x="${M.l - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Number(v.toFixed(3))}</text>`);
  }
  const xs = niceStep(xHi - xLo);
  for (let v = Math.ceil(xLo / xs) * xs; v <= xHi + 1e-9; v += xs) {
    out.push(`<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${M.t}" y2="${H - M.b}" stroke="#eee"/>`);
    out.push(`<text x="${x(v).toFixed(1)}" y="${H - M.b + 16}" text-anchor="middle">${Number(v.toFixed(2))}</text>`);
  }
  out.push(`<text x="${(M.l + W - M.r) / 2}" y="${H - 12}" text-anchor="middle">current per phase (A); In = ${iMin} A, Imax = ${iMax} A</text>`);
  out.push(`<text transform="translate(16 ${(M.t + H - M.b) / 2}) rotate(-90)" text-anchor="middle">error (%)</text>`);
  // limit envelope: PF 1 / d.c. rows step at 50 % Imax; PF 0.5/0.8 rows are flat at their limit
  const half = iMax / 2;
  const table = limitTableFor(c.device.supply === 'dc' ? 'dc' : 'ac');
  const unityRows = table.rows.filter((r) => r.powerFactors.some((f) => f.kind === 'unity' || f.kind === 'dc'));
  const lo = unityRows.find((r) => r.currentFrom.of === 'In')?.limitPct ?? 2.5;
  const hi = unityRows.find((r) => r.currentFrom.of === 'Imax')?.limitPct ?? 2.0;
  const angled = table.rows.find((r) => r.powerFactors.some((f) => f.kind === 'lag' || f.kind === 'lead'))?.limitPct ?? null;
  for (const s of [1, -1]) {
    const path = `M${x(iMin).toFixed(1)},${y(s * lo).toFixed(1)} H${x(half).toFixed(1)} V${y(s * hi).toFixed(1)} H${x(iMax).toFixed(1)}`;
    out.push(`<path class="limit" d="${path}" fill="none" stroke="#1e8449" stroke-width="1.5" stroke-dasharray="6 3"/>`);
  }
  if (angled !== null) {
    for (const s of [1, -1]) {
      out.push(`<line class="limit" x1="${x(iMin).toFixed(1)}" x2="${x(iMax).toFixed(1)}" y1="${y(s * angled).toFixed(1)}" y2="${y(s * angled).toFixed(1)}" stroke="#c0392b" stroke-width="1" stroke-dasharray="2 3"/>`);
    }
  }
  // points with uncertainty bars (slight x offsets so series do not hide each other)
  const offsets: Record<string, number> = { unity: 0, lag: -9, lead: 9, influence: 17, export: -17 };
  const legend = new Map<string, Series>();
  for (const p of pts) {
    const s = seriesOf(p, c);
    legend.set(s.key, s);
    const cx = x(p.currentA) + (offsets[s.key] ?? 0);
    const cy = y(p.meanErrorPct);
    const u = p.uncertainty.expandedPct;
    out.push(`<g class="point" data-point="${esc(p.id)}" data-verdict="${p.verdict}">`);
    out.push(`<title>${esc(`${p.id}: ${p.meanErrorPct.toFixed(3)} % +- ${u.toFixed(3)} % (limit +-${p.limitPct} %) ${p.verdict}`)}</title>`);
    out.push(`<line class="ubar" x1="${cx.toFixed(1)}" x2="${cx.toFixed(1)}" y1="${y(p.meanErrorPct + u).toFixed(1)}" y2="${y(p.meanErrorPct - u).toFixed(1)}" stroke="${s.colour}"/>`);
    for (const e of [p.meanErrorPct + u, p.meanErrorPct - u]) {
      out.push(`<line x1="${(cx - 3).toFixed(1)}" x2="${(cx + 3).toFixed(1)}" y1="${y(e).toFixed(1)}" y2="${y(e).toFixed(1)}" stroke="${s.colour}"/>`);
    }
    const fill = p.verdict === 'pass' ? s.colour : '#fff';
    if (s.marker === 'circle') out.push(`<circle class="pt" cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="4" fill="${fill}" stroke="${s.colour}" stroke-width="1.5"/>`);
    else if (s.marker === 'square') out.push(`<rect class="pt" x="${(cx - 4).toFixed(1)}" y="${(cy - 4).toFixed(1)}" width="8" height="8" fill="${fill}" stroke="${s.colour}" stroke-width="1.5"/>`);
    else out.push(`<path class="pt" d="M${cx.toFixed(1)},${(cy - 5).toFixed(1)} l5,5 l-5,5 l-5,-5 z" fill="${fill}" stroke="${s.colour}" stroke-width="1.5"/>`);
    out.push('</g>');
  }
  // legend
  let ly = M.t + 10;
  for (const s of legend.values()) {
    out.push(`<rect x="${W - M.r + 14}" y="${ly - 8}" width="10" height="10" fill="${s.colour}"/><text x="${W - M.r + 30}" y="${ly + 1}">${esc(s.label)}</text>`);
    ly += 18;
  }
  out.push(`<line x1="${W - M.r + 12}" x2="${W - M.r + 26}" y1="${ly - 3}" y2="${ly - 3}" stroke="#1e8449" stroke-dasharray="6 3"/><text x="${W - M.r + 30}" y="${ly + 1}">limit, PF 1 / d.c.</text>`);
  ly += 18;
  if (angled !== null) {
    out.push(`<line x1="${W - M.r + 12}" x2="${W - M.r + 26}" y1="${ly - 3}" y2="${ly - 3}" stroke="#c0392b" stroke-dasharray="2 3"/><text x="${W - M.r + 30}" y="${ly + 1}">limit, PF 0.5L/0.8C</text>`);
    ly += 18;
  }
  out.push(`<text x="${W - M.r + 14}" y="${ly + 6}">bars: U (k from nu_eff)</text><text x="${W - M.r + 14}" y="${ly + 22}">open marker: not pass</text>`);
  out.push('</svg>');
  return out.join('\n');
}
