// Checks a certificate directory as "amsgate bench verify" does: the JWS verifies with the bench's public
// key, certificate.json is exactly its payload, and the PDF (where present) names the record's hash.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { ConfigError } from '../../drivers/errors.js';
import { verifyCertificate } from './sign-certificate.js';

export interface VerifyOutcome {
  ok: boolean;
  certificateId: string | null;
  kid: string | null;
  hash: string | null;
  checks: { what: string; ok: boolean; detail: string }[];
}

export function verifyCertificateFiles(target: string, publicKey: KeyObject): VerifyOutcome {
  const dir = existsSync(target) && statSync(target).isDirectory() ? target : dirname(target);
  const jwsPath = existsSync(target) && statSync(target).isDirectory() ? join(target, 'certificate.jws') : target;
  if (!existsSync(jwsPath)) throw new ConfigError('no-certificate', `no signed certificate ${jwsPath}; give the directory "bench report" wrote or its certificate.jws`);
  const checks: VerifyOutcome['checks'] = [];
  let out: ReturnType<typeof verifyCertificate>;
  try {
    out = verifyCertificate(readFileSync(jwsPath, 'utf8').trim(), publicKey);
    checks.push({ what: 'signature', ok: true, detail: `${jwsPath} verifies with key ${out.kid}` });
  } catch (e) {
    checks.push({ what: 'signature', ok: false, detail: (e as Error).message });
    return { ok: false, certificateId: null, kid: null, hash: null, checks };
  }
  const jsonPath = join(dir, 'certificate.json');
  if (existsSync(jsonPath)) {
    const same = JSON.stringify(JSON.parse(readFileSync(jsonPath, 'utf8'))) === JSON.stringify(out.certificate);
    checks.push({ what: 'certificate.json', ok: same, detail: same ? 'equals the signed record' : 'DIFFERS from the signed record (edited after signing?)' });
  }
  const pdfPath = join(dir, 'certificate.pdf');
  if (existsSync(pdfPath)) {
    const names = readFileSync(pdfPath).includes(Buffer.from(`sha256:${out.hash}`, 'latin1'));
    checks.push({ what: 'certificate.pdf', ok: names, detail: names ? `carries the record hash ${out.hash}` : `does not carry the record hash ${out.hash} (printed from another record?)` });
  }
  return { ok: checks.every((c) => c.ok), certificateId: out.certificate.certificateId, kid: out.kid, hash: out.hash, checks };
}
