// A4 pages for the certificate (pure): every page carries the laboratory, the certificate number,
// "page x of y", the signed record's hash and, for a simulated run, the SIMULATED band. Pages are laid
// out here rather than by the printer so that x of y is known and the same on screen and on paper.

const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface PageFrame {
  certificateId: string;
  laboratory: string;
  title: string;
  simulated: boolean;
  /** base64url SHA-256 of the signed record (JWS), or null when unsigned. */
  recordHash: string | null;
  kid: string | null;
}

export const PAGE_CSS = `
@page{size:A4;margin:0}
*{box-sizing:border-box}
body{margin:0;font-family:sans-serif;color:#222;font-size:9pt;background:#888}
.page{width:210mm;height:297mm;padding:12mm 12mm 18mm;position:relative;background:#fff;overflow:hidden;page-break-after:always;break-after:page;margin:0 auto 6mm}
.page:last-child{page-break-after:auto;break-after:auto}
@media print{body{background:#fff}.page{margin:0}}
.ph{display:flex;justify-content:space-between;border-bottom:1.5px solid #333;padding-bottom:2mm;margin-bottom:3mm;font-size:8.5pt}
.ph b{font-size:10pt}
.pf{position:absolute;left:12mm;right:12mm;bottom:7mm;border-top:1px solid #999;padding-top:1.5mm;font-size:7pt;color:#444;display:flex;justify-content:space-between}
.sim{background:#b03a2e;color:#fff;font-weight:bold;text-align:center;padding:1.5mm;margin-bottom:3mm;letter-spacing:.5px}
h1{font-size:14pt;margin:0 0 2mm} h2{font-size:10.5pt;margin:4mm 0 1.5mm;border-bottom:1px solid #ccc}
.verdict{display:inline-block;font-size:14pt;font-weight:bold;padding:1.5mm 5mm;border-radius:3px;margin:1mm 0 2mm}
.verdict.pass{background:#d5f5e3;color:#145a32}.verdict.fail{background:#fadbd8;color:#78281f}.verdict.inconclusive{background:#fcf3cf;color:#7d6608}
table{border-collapse:collapse;font-size:7.5pt;width:100%} td,th{border:1px solid #bbb;padding:.5mm 1mm;text-align:right;white-space:nowrap} table.kv td{white-space:normal} th{background:#f0f0f0}
table.kv th{text-align:left;width:32%;font-weight:normal;color:#444} table.kv td{text-align:left}
tr.v-fail td.verdict-cell{color:#c0392b;font-weight:bold} tr.v-inconclusive td.verdict-cell{color:#b7950b;font-weight:bold}
tr.informative td{color:#777;font-style:italic}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:4mm} .small{font-size:7.5pt;color:#444} p{margin:1mm 0}
figure{margin:0} figure svg{width:100%;height:auto}
.sign{margin-top:6mm;display:grid;grid-template-columns:1fr 1fr;gap:8mm} .sign div{border-top:1px solid #333;padding-top:1mm;min-height:16mm}
`;

export function framePages(frame: PageFrame, bodies: string[]): string {
  const n = bodies.length;
  return bodies
    .map(
      (body, i) => `<section class="page" data-page="${i + 1}">
<div class="ph"><span><b>${esc(frame.laboratory || 'laboratory not stated')}</b><br>${esc(frame.title)}</span><span style="text-align:right">Certificate <b class="cert-no">${esc(frame.certificateId)}</b><br><span class="page-no">page ${i + 1} of ${n}</span></span></div>
${frame.simulated ? '<div class="sim">SIMULATED: source, reference or device simulated; not a calibration of a real meter</div>' : ''}
${body}
<div class="pf"><span>${esc(frame.certificateId)} &middot; page ${i + 1} of ${n}</span><span>${frame.recordHash ? `signed record SHA-256 ${esc(frame.recordHash)} &middot; key ${esc(frame.kid)}` : 'UNSIGNED DRAFT'}</span></div>
</section>`,
    )
    .join('\n');
}

/** Splits rows into chunks for pages: the first chunk may be shorter (it shares a page with other content). */
export function chunkRows<T>(rows: readonly T[], first: number, rest: number): T[][] {
  const out: T[][] = [];
  let i = 0;
  let size = first;
  while (i < rows.length) {
    out.push(rows.slice(i, i + size));
    i += size;
    size = rest;
  }
  return out.length ? out : [[]];
}
