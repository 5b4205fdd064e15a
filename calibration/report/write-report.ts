// Writes a run's certificate: certificate.json (the record), certificate.jws (the record signed with the
// bench key), certificate.html (A4 pages carrying the record's hash) and certificate.pdf on request.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceKey } from '../../device/signing/device-key.js';
import type { Certificate } from './certificate.js';
import { certificateHtml } from './html-page.js';
import { printPdf } from './pdf.js';
import { signCertificate } from './sign-certificate.js';

export interface ReportFiles {
  json: string;
  html: string;
  jws?: string;
  pdf?: string;
  recordHash?: string;
}

export async function writeReport(c: Certificate, dir: string, o: { pdf?: boolean; key?: DeviceKey } = {}): Promise<ReportFiles> {
  mkdirSync(dir, { recursive: true });
  const files: ReportFiles = { json: join(dir, 'certificate.json'), html: join(dir, 'certificate.html') };
  writeFileSync(files.json, `${JSON.stringify(c, null, 2)}\n`);
  const signed = o.key ? signCertificate(c, o.key) : null;
  if (signed) {
    files.jws = join(dir, 'certificate.jws');
    files.recordHash = signed.hash;
    writeFileSync(files.jws, `${signed.jws}\n`);
  }
  writeFileSync(files.html, certificateHtml(c, signed ? { recordHash: signed.hash, kid: signed.kid } : null));
  if (o.pdf) {
    files.pdf = join(dir, 'certificate.pdf');
    await printPdf(files.html, files.pdf);
  }
  return files;
}
