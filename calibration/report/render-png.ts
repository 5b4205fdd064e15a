// Renders each A4 page of a certificate's HTML to a PNG with headless Chromium (a screenshot per page,
// the other pages hidden), so that a certificate can be looked at, and kept as evidence, without a PDF
// rasteriser. 794 x 1123 CSS px is A4 at 96 dpi.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChromium } from './pdf.js';

export async function renderPagesToPng(htmlPath: string, outDir: string, prefix = 'page', scale = 1): Promise<string[]> {
  const html = readFileSync(htmlPath, 'utf8');
  const pages = (html.match(/<section class="page" data-page="\d+"/g) ?? []).length;
  mkdirSync(outDir, { recursive: true });
  const out: string[] = [];
  for (let i = 1; i <= pages; i++) {
    const only = html.replace('</style>', `.page:not([data-page="${i}"]){display:none} body{background:#fff} .page{margin:0}</style>`);
    const tmp = join(outDir, `.${prefix}-${i}.html`);
    const png = join(outDir, `${prefix}-${i}.png`);
    writeFileSync(tmp, only);
    try {
      await runChromium([`--screenshot=${png}`, '--window-size=794,1123', `--force-device-scale-factor=${scale}`, '--hide-scrollbars'], tmp);
    } finally {
      rmSync(tmp, { force: true });
    }
    out.push(png);
  }
  return out;
}
