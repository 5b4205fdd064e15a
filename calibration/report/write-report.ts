// Writes certificate.json and certificate.html (and certificate.pdf on request) for a run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Certificate } from './certificate.js';
import { certificateHtml } from './html-page.js';
import { printPdf } from './pdf.js';

export async function writeReport(c: Certificate, dir: string, o: { pdf?: boolean } = {}): Promise<{ json: string; html: string; pdf?: string }> {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'certificate.json');
  const html = join(dir, 'certificate.html');
  writeFileSync(json, `${JSON.stringify(c, null, 2)}\n`);
  writeFileSync(html, certificateHtml(c));
  if (!o.pdf) return { json, html };
  const pdf = join(dir, 'certificate.pdf');
  await printPdf(html, pdf);
  return { json, html, pdf };
}
