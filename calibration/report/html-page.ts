// The certificate as one self-contained HTML document of A4 pages (inline CSS and SVG, no external
// resources) (pure). Page 1: parties, device, standards, conditions, method, decision rule, verdict;
// page 2: requirements and the error plot; then the results and the uncertainty budget; last: approval.
import type { Certificate, CertificatePoint } from './certificate.js';
import { errorPlotSvg } from './svg-plot.js';
import { describeEnvironment } from '../maths/reference-conditions.js';
import { chunkRows, framePages, PAGE_CSS } from './page-layout.js';

const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const f = (x: number, d = 3): string => (x >= 0 ? '+' : '') + x.toFixed(d);
const VERDICT_TEXT = { pass: 'PASS', fail: 'FAIL', inconclusive: 'INCONCLUSIVE' } as const;
const NR = 'not recorded';

function kv(rows: [string, unknown][]): string {
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v === null || v === undefined || v === '' ? NR : v)}</td></tr>`).join('')}</table>`;
}

const pfText = (p: CertificatePoint): string =>
  (p.pfKind === 'dc' ? 'd.c.' : p.pfKind === 'unity' ? '1' : `${p.pf} ${p.pfKind}`) + (p.direction === 'export' ? ', exp' : '');

function resultsTable(points: CertificatePoint[]): string {
  const rows = points
    .map(
      (p) => `<tr class="v-${p.verdict}${p.informative ? ' informative' : ''}"><td>${esc(p.id)}${p.informative ? ' (inf.)' : ''}</td><td>${p.currentA}</td><td>${p.percentImax.toFixed(0)}</td><td>${p.voltageV}</td><td>${esc(pfText(p))}</td><td>${p.frequencyHz ?? '-'}</td>
<td>${p.n}</td><td>${p.durationS}</td><td>${p.deviceWh.toFixed(4)}</td><td>${p.referenceWh.toFixed(4)}</td><td>${f(p.meanErrorPct)}</td><td>${p.uncertainty.expandedPct.toFixed(3)}</td><td>${p.uncertainty.k.toFixed(2)}</td><td>&plusmn;${p.limitPct}</td><td>${esc(p.row ?? '-')}</td><td class="verdict-cell">${VERDICT_TEXT[p.verdict]}${p.spreadTooLarge ? ' (spread)' : ''}</td></tr>`,
    )
    .join('\n');
  return `<table class="pts"><tr><th>point</th><th>I (A)</th><th>% Imax</th><th>U (V)</th><th>PF</th><th>f (Hz)</th><th>n</th><th>t (s)</th><th>E dev (Wh)</th><th>E ref (Wh)</th><th>error (%)</th><th>U (%)</th><th>k</th><th>limit (%)</th><th>row</th><th>verdict</th></tr>
${rows}</table>`;
}

function budgetTable(points: CertificatePoint[]): string {
  const rows = points
    .map((p) => {
      const u = p.uncertainty;
      const uc = u.expandedPct / u.k;
      return `<tr><td>${esc(p.id)}</td><td>${p.stdDevPct.toFixed(4)}</td><td>${u.typeAPct.toFixed(4)}</td><td>${p.n - 1}</td><td>${u.referencePct.toFixed(4)}</td><td>${u.resolutionPct.toFixed(4)}</td><td>${uc.toFixed(4)}</td><td>${u.effectiveDof ?? '&infin;'}</td><td>${u.k.toFixed(3)}</td><td>${u.expandedPct.toFixed(4)}</td></tr>`;
    })
    .join('\n');
  return `<table><tr><th>point</th><th>s (%)</th><th>u_A (%)</th><th>&nu;_A</th><th>u_ref (%)</th><th>u_res (%)</th><th>u_c (%)</th><th>&nu;_eff</th><th>k</th><th>U (%)</th></tr>
${rows}</table>`;
}

export interface SignatureInfo {
  recordHash: string;
  kid: string;
}

export function certificateHtml(c: Certificate, sig: SignatureInfo | null = null): string {
  const env = describeEnvironment(c.environment);
  const ins = c.instruments;
  const refUsed =
    ins.referenceAccuracySource === 'certificate'
      ? `U = ${ins.referenceCertificateUPct} % (k = 2) from the standard's calibration certificate`
      : ins.referenceAccuracySource === 'instrument'
        ? `class +-${ins.referenceAccuracyPct} % as the standard declares it (SYST:ACC?), rectangular`
        : `class +-${ins.referenceAccuracyPct} % as the plan states (the standard does not declare it), rectangular`;
  const due = ins.referenceCalibrationDue;
  const overdue = due !== null && Date.parse(`${due}T23:59:59Z`) < Date.parse(c.run.startedAt);
  const page1 = `<h1>${esc(c.title)}</h1>
<div id="verdict" class="verdict ${c.verdict}">Verdict: ${VERDICT_TEXT[c.verdict]}</div>
<div class="small">Issued ${esc(c.issuedAt)}. ${c.environment.withinReference === true ? '' : `Conditions ${c.environment.withinReference === null ? 'not recorded' : 'outside the reference conditions'}: the verdict cannot be PASS.`}</div>
<div class="grid"><div><h2>Laboratory</h2>${kv([['laboratory', c.laboratory], ['operator', c.operator]])}</div><div><h2>Customer</h2>${kv([['customer', c.customer]])}</div></div>
<h2>Device under test</h2>${kv([
    ['make', c.device.make],
    ['model', c.device.model],
    ['serial number', c.device.serial],
    ['firmware', c.device.firmware],
    ['supply', c.device.supply === 'ac' ? `a.c., ${c.device.phases} phase(s), ${c.device.fnHz} Hz` : `d.c., ${c.device.phases} pole pair(s)`],
    ['Un / In / Imax', `${c.device.unV} V / ${c.device.inA} A / ${c.device.imaxA} A`],
  ])}
<h2>Reference standard and source</h2>${kv([
    ['reference standard', ins.reference],
    ['its calibration certificate', ins.referenceCertificateNumber],
    ['calibration due', due === null ? null : `${due}${overdue ? ' (OVERDUE at the time of test)' : ''}`],
    ['accuracy used in the budget', refUsed],
    ['source', ins.source],
  ])}
<h2>Conditions as recorded</h2>${kv([
    ['temperature', env.temperature],
    ['relative humidity', env.humidity],
    ['reference conditions', `${c.environment.referenceTemperatureC} +- ${c.environment.toleranceC} C: ${c.environment.withinReference === null ? 'NOT DEMONSTRATED (not recorded)' : c.environment.withinReference ? 'met' : 'NOT MET'}`],
    ['test', `run ${c.run.id} "${c.run.label}" (${c.run.uid}), ${c.run.startedAt} to ${c.run.finishedAt ?? 'not finished'}`],
    ['notes', [c.environment.notes, c.run.notes].filter(Boolean).join(' ') || '-'],
  ])}
<h2>Method</h2><p class="small">${esc(c.method)}</p>
<h2>Decision rule</h2><p class="small">${esc(c.decisionRule)} Points marked informative are reported but do not decide the verdict; the run passes only when every deciding point passes and the conditions are within the reference conditions.</p>`;
  const page2 = `<h2>Requirements</h2><div>${esc(c.limits.title)}</div><div class="small">Source: ${esc(c.limits.source)}</div>
<ul class="small">${c.limits.rows.map((r) => `<li>${esc(r.id)}: ${esc(r.text)} [${esc(r.status)}]</li>`).join('')}</ul>
<h2>Error against current</h2>
<figure id="plot">${errorPlotSvg(c)}</figure>`;
  const resultPages = chunkRows(c.points, 34, 40).map((chunk, i) => `<h2>Results${i ? ' (continued)' : ''}</h2>${resultsTable(chunk)}
${i === 0 ? '<p class="small">E dev, E ref: mean energy per repetition registered by the device (through the gateway compensation) and by the reference standard. U: expanded uncertainty, k: coverage factor (Student t at 95.45 %). (spread): the standard deviation of the repetitions exceeds the plan share of the limit; the point is not accepted.</p>' : ''}`);
  const budgetPages = chunkRows(c.points, 40, 40).map((chunk, i) => `<h2>Uncertainty budget${i ? ' (continued)' : ''}</h2>${budgetTable(chunk)}`);
  const cal = c.calibration
    ? `<h2>Calibration</h2>${kv([
        ['method', c.calibration.method],
        ['gain factor', c.calibration.gainFactor.toFixed(6)],
        ['phase error (degrees)', c.calibration.phaseErrorDeg === null ? '-' : c.calibration.phaseErrorDeg.toFixed(4)],
        ['registers / factor', JSON.stringify(c.calibration.detail)],
        ['results before calibration (run)', c.calibration.beforeRunId],
      ])}
<table><tr><th>point</th><th>error before (%)</th><th>verdict before</th><th>error after (%)</th><th>verdict after</th></tr>
${c.calibration.before
  .map((b) => {
    const a = c.points.find((p) => p.id === b.id);
    return `<tr><td>${esc(b.id)}</td><td>${f(b.meanErrorPct)}</td><td>${VERDICT_TEXT[b.verdict]}</td><td>${a ? f(a.meanErrorPct) : '-'}</td><td>${a ? VERDICT_TEXT[a.verdict] : '-'}</td></tr>`;
  })
  .join('\n')}</table>`
    : '';
  const extra = c.additional.length
    ? `<h2>Additional tests (IEC 62053-21 style, additional to CoP11 Table 4/5; not part of the verdict)</h2>
<table><tr><th>test</th><th>result</th><th style="text-align:left">conditions and reading</th></tr>
${c.additional.map((a) => `<tr><td>${esc(a.test)}</td><td>${a.passed === null ? 'not performed' : a.passed ? 'PASS' : 'FAIL'}</td><td style="text-align:left;white-space:normal">${esc(a.detail)}</td></tr>`).join('\n')}</table>`
    : '';
  const last = `${cal}${extra}<h2>Approval</h2>
<p class="small">This certificate is the rendering of a signed record: ${sig ? `JWS signed with the bench key ${esc(sig.kid)}, SHA-256 ${esc(sig.recordHash)}; check it with "amsgate bench verify".` : 'UNSIGNED DRAFT (no bench key was given).'}</p>
<div class="sign"><div>Tested by: ${esc(c.operator || '')}</div><div>Approved by: ${esc(c.approver || '')}</div></div>`;
  const bodies = [page1, page2, ...resultPages, ...budgetPages, last];
  const frame = { certificateId: c.certificateId, laboratory: c.laboratory, title: c.title, simulated: c.simulated, recordHash: sig?.recordHash ?? null, kid: sig?.kid ?? null };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(c.certificateId)}${sig ? ` sha256:${esc(sig.recordHash)}` : ''}</title>
<style>${PAGE_CSS}</style></head><body>
${framePages(frame, bodies)}
</body></html>
`;
}
