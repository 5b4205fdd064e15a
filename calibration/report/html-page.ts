// The certificate as one self-contained HTML page (inline CSS and SVG, no external resources) (pure).
import type { Certificate } from './certificate.js';
import { errorPlotSvg } from './svg-plot.js';
import { describeEnvironment } from '../maths/reference-conditions.js';

const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const f = (x: number, d = 3): string => (x >= 0 ? '+' : '') + x.toFixed(d);
const VERDICT_TEXT = { pass: 'PASS', fail: 'FAIL', inconclusive: 'INCONCLUSIVE' } as const;

function kv(rows: [string, unknown][]): string {
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`;
}

export function certificateHtml(c: Certificate): string {
  const id = c.device.identity;
  const pfText = (p: Certificate['points'][number]) =>
    (p.pfKind === 'dc' ? 'd.c.' : p.pfKind === 'unity' ? '1' : `${p.pf} ${p.pfKind}`) + (p.direction === 'export' ? ', export' : '');
  const rows = c.points
    .map(
      (p) => `<tr class="v-${p.verdict}"><td>${esc(p.id)}</td><td>${p.currentA}</td><td>${p.percentImax.toFixed(1)}</td><td>${p.voltageV}</td><td>${esc(pfText(p))}</td><td>${p.frequencyHz ?? '-'}</td>
<td>${p.n}</td><td>${p.durationS}</td><td>${f(p.meanErrorPct)}</td><td>${p.stdDevPct.toFixed(3)}</td><td>${p.uncertainty.typeAPct.toFixed(3)}</td><td>${p.uncertainty.referencePct.toFixed(3)}</td><td>${p.uncertainty.resolutionPct.toFixed(3)}</td>
<td>${p.uncertainty.expandedPct.toFixed(3)}</td><td>&plusmn;${p.limitPct}</td><td>${esc(p.row ?? '')}</td><td class="verdict-cell">${VERDICT_TEXT[p.verdict]}</td></tr>`,
    )
    .join('\n');
  const cal = c.calibration
    ? `<h2>Calibration</h2>${kv([
        ['method', c.calibration.method],
        ['gain factor', c.calibration.gainFactor.toFixed(6)],
        ['phase error corrected (degrees)', c.calibration.phaseErrorDeg === null ? '-' : c.calibration.phaseErrorDeg.toFixed(4)],
        ['registers / factor', JSON.stringify(c.calibration.detail)],
        ['results before calibration (run)', c.calibration.beforeRunId],
      ])}
<table class="pts"><tr><th>point</th><th>error before (%)</th><th>verdict before</th><th>error after (%)</th><th>verdict after</th></tr>
${c.calibration.before
  .map((b) => {
    const a = c.points.find((p) => p.id === b.id);
    return `<tr><td>${esc(b.id)}</td><td>${f(b.meanErrorPct)}</td><td>${VERDICT_TEXT[b.verdict]}</td><td>${a ? f(a.meanErrorPct) : '-'}</td><td>${a ? VERDICT_TEXT[a.verdict] : '-'}</td></tr>`;
  })
  .join('\n')}</table>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(c.certificateId)} ${esc(c.title)}</title>
<style>
body{font-family:sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:20px 0 6px;border-bottom:1px solid #ccc}
.verdict{display:inline-block;font-size:22px;font-weight:bold;padding:6px 16px;border-radius:4px;margin:8px 0}
.verdict.pass{background:#d5f5e3;color:#145a32}.verdict.fail{background:#fadbd8;color:#78281f}.verdict.inconclusive{background:#fcf3cf;color:#7d6608}
table{border-collapse:collapse;font-size:12px} td,th{border:1px solid #ccc;padding:3px 6px;text-align:right} th{background:#f4f4f4}
table.kv th{text-align:left;width:240px} table.kv td{text-align:left}
tr.v-fail td.verdict-cell{color:#c0392b;font-weight:bold} tr.v-inconclusive td.verdict-cell{color:#b7950b;font-weight:bold}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px} .small{font-size:11px;color:#555}
@media print{body{margin:8mm}}
</style></head><body>
${c.simulated ? '<div class="sim">SIMULATED: instruments and/or device simulated; not a calibration of a real meter</div>' : ''}
<h1>${esc(c.title)}</h1>
<div>Certificate <b id="certificate-id">${esc(c.certificateId)}</b>, issued ${esc(c.issuedAt)}</div>
<div id="verdict" class="verdict ${c.verdict}">Verdict: ${VERDICT_TEXT[c.verdict]}</div>
<div class="grid"><div><h2>Device under test</h2>${kv([
    ['vendor', id.vendor],
    ['model', id.model],
    ['serial', id.serial ?? '-'],
    ['firmware', id.firmware ?? '-'],
    ['supply', c.device.supply === 'ac' ? `a.c., ${c.device.phases} phase(s), ${c.device.fnHz} Hz` : `d.c.`],
    ['Un / In / Imax', `${c.device.unV} V / ${c.device.inA} A / ${c.device.imaxA} A`],
  ])}</div><div><h2>Instruments</h2>${kv([
    ['source', c.instruments.source],
    ['reference standard', c.instruments.reference],
    ['reference accuracy (class, rectangular)', `+-${c.instruments.referenceAccuracyPct} %`],
    ['reference certificate U (k=2)', c.instruments.referenceCertificateUPct ?? '-'],
  ])}</div></div>
<div class="grid"><div><h2>Test</h2>${kv([
    ['run', `${c.run.id} (${c.run.label})`],
    ['started', c.run.startedAt],
    ['finished', c.run.finishedAt ?? 'not finished'],
    ['operator', c.operator || '-'],
    ['notes', c.run.notes || '-'],
  ])}</div><div><h2>Environment</h2>${kv([
    ['temperature', describeEnvironment(c.environment).temperature],
    ['humidity', describeEnvironment(c.environment).humidity],
    ['reference conditions', `${c.environment.referenceTemperatureC} +- ${c.environment.toleranceC} C: ${c.environment.withinReference === null ? 'not demonstrated' : c.environment.withinReference ? 'met' : 'NOT met'}`],
  ])}</div></div>
<h2>Requirements</h2><div>${esc(c.limits.title)}</div><div class="small">Source: ${esc(c.limits.source)}</div>
<ul class="small">${c.limits.rows.map((r) => `<li>${esc(r.id)}: ${esc(r.text)} [${esc(r.status)}]</li>`).join('')}</ul>
<div class="small"><b>Decision rule:</b> ${esc(c.decisionRule)}</div>
<div class="small"><b>Error:</b> (E_device - E_reference) / E_reference x 100 %. <b>Uncertainty:</b> type A s/sqrt(n), reference class/sqrt(3), register resolution q/(E sqrt(6)), combined root-sum-square, U = 2 u_c.</div>
<h2>Error against current</h2>
<figure id="plot">${errorPlotSvg(c)}</figure>
<h2>Results</h2>
<table class="pts"><tr><th>point</th><th>I (A)</th><th>% Imax</th><th>U (V)</th><th>PF</th><th>f (Hz)</th><th>n</th><th>t (s)</th><th>mean error (%)</th><th>s (%)</th><th>u_A</th><th>u_ref</th><th>u_res</th><th>U k=2 (%)</th><th>limit (%)</th><th>row</th><th>verdict</th></tr>
${rows}</table>
${cal}
</body></html>
`;
}
