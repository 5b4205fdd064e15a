// A self-contained HTML page of a commissioning record: no scripts, no external files, printable.
import type { CheckResult } from './check-result.js';
import type { CommissioningRecord } from './commissioning-record.js';

const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STATUS: Record<CheckResult['status'], string> = { pass: 'PASS', fail: 'FAIL', 'not-applicable': 'n/a' };

function kv(rows: [string, unknown][]): string {
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`;
}

function checkRow(c: CheckResult): string {
  const figs = Object.entries(c.figures).map(([k, v]) => `${esc(k)}: ${esc(v)}`).join('<br>');
  return `<tr class="${c.status}"><td class="st">${STATUS[c.status]}</td><td><b>${esc(c.title)}</b>${c.meter ? ` <span class="m">(${esc(c.meter)})</span>` : ''}<div class="req">${esc(c.requirement)} &middot; ${esc(c.method)}</div></td><td>${esc(c.detail)}${c.fix ? `<div class="fix">Fix: ${esc(c.fix)}</div>` : ''}</td><td class="fig">${figs}</td></tr>`;
}

export function renderHtml(record: CommissioningRecord, jws: string | null): string {
  const n = record.notification;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Commissioning ${esc(record.deviceId ?? '')} ${esc(record.commissionedAt)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:72em}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.35em .5em;vertical-align:top;text-align:left}
.kv th{width:22em;background:#f6f6f6;font-weight:normal}
tr.pass .st{background:#d9f2d9}tr.fail .st{background:#f8d0d0}tr.not-applicable .st{background:#eee}
.st{font-weight:bold;width:4em;text-align:center}.req,.m{color:#666;font-size:.9em}.fix{color:#a00;margin-top:.3em}
.fig{font-family:ui-monospace,monospace;font-size:.85em}.verdict{font-size:1.2em;font-weight:bold}
.pass-v{color:#070}.fail-v{color:#b00}pre{white-space:pre-wrap;word-break:break-all;font-size:.8em;background:#f6f6f6;padding:.6em}
</style></head><body>
<h1>Asset Metering commissioning record</h1>
<p class="verdict ${record.result}-v">Result: ${record.result === 'pass' ? 'PASS: commissioned' : 'FAIL: not commissioned'}</p>
${kv([
  ['Outstation (gateway) id', record.deviceId ?? '(none)'],
  ['Commissioned at (UTC)', record.commissionedAt],
  ['Installer', record.installer ?? '(not given)'],
  ['Tool', record.tool],
  ['Signing key id (kid)', record.kid ?? '(unsigned)'],
  ['Public key (JWK)', record.publicJwk ? JSON.stringify(record.publicJwk) : '(none)'],
])}
<h2>Commissioning notification (D0383/D0384 fields as applicable)</h2>
${kv([
  ['Asset Metering Type', n.assetMeteringType],
  ['Whole current', n.wholeCurrent ? 'yes' : 'no (measurement transformers: commissioning by an SVA MOA required)'],
  ['J2233 Measurement Transformer Commissioning Completed', n.measurementTransformerCommissioningCompleted ? 'T' : 'F'],
  ['J2236 Defect / Omission Reason', n.defectOmissionReason ?? '(none)'],
  ['Commissioning status', n.commissioningStatus],
])}
<h2>Meters</h2>
<table><tr><th>id</th><th>make / model</th><th>serial</th><th>reported serial</th><th>Import AMSID</th><th>Export AMSID</th><th>phases</th></tr>
${record.meters.map((m) => `<tr><td>${esc(m.id)}</td><td>${esc(m.makeModel)}</td><td>${esc(m.serial)}</td><td>${esc(m.serialReported ?? '-')}</td><td>${esc(m.amsidImport ?? '-')}</td><td>${esc(m.amsidExport ?? '-')}</td><td>${m.phases}</td></tr>`).join('\n')}
</table>
<h2>Checks</h2>
<table><tr><th>result</th><th>check</th><th>finding</th><th>figures</th></tr>
${record.checks.map(checkRow).join('\n')}
</table>
<h2>Key fields</h2>
${kv(Object.entries(record.keyFields))}
<h2>Signed record (JWS compact)</h2>
${jws ? `<p>Signed with the gateway's device key (alg ${esc(JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString()).alg)}, kid ${esc(record.kid ?? '')}); any JOSE library verifies it with the public key above (docs/signed-record.md shows how).</p><pre>${esc(jws)}</pre>` : '<p>Not signed: no device key was available.</p>'}
</body></html>
`;
}
