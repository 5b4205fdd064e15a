// The certificate record signed with the bench's key: a compact JWS (the project's one JWS module,
// device/signing/jws.ts) whose payload is the certificate JSON. Its SHA-256 is printed on every page of the
// PDF, so a printed page points at exactly one signed record.
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { loadOrCreateDeviceKey, type DeviceKey } from '../../device/signing/device-key.js';
import { recordHash, signCompact, verifyCompact } from '../../device/signing/jws.js';
import { SignatureError } from '../../device/signing/errors.js';
import { CERTIFICATE_FORMAT, type Certificate } from './certificate.js';

export const CERTIFICATE_JWS_TYPE = 'amsgate-bench-certificate+jws';

export interface SignedCertificate {
  jws: string;
  /** base64url(SHA-256(jws)), as printed on the pages. */
  hash: string;
  kid: string;
}

/** The bench's signing key in dir (created on first use, mode 0600, with device-key.pub.pem beside it). */
export function loadBenchKey(dir: string): DeviceKey {
  return loadOrCreateDeviceKey(dir);
}

export function signCertificate(c: Certificate, key: DeviceKey): SignedCertificate {
  const jws = signCompact(c, key, CERTIFICATE_JWS_TYPE);
  return { jws, hash: recordHash(jws), kid: key.kid };
}

/** Verifies the signature and returns the certificate; throws SignatureError when it does not verify. */
export function verifyCertificate(jws: string, publicKey: KeyObject | JsonWebKey): { certificate: Certificate; hash: string; kid: string } {
  const { header, payload } = verifyCompact(jws, publicKey);
  const c = payload as Certificate;
  if (header.typ !== CERTIFICATE_JWS_TYPE || c?.format !== CERTIFICATE_FORMAT) {
    throw new SignatureError('malformed', `not a bench certificate: typ "${header.typ}", format "${(c as { format?: string })?.format}"; expected ${CERTIFICATE_JWS_TYPE} / ${CERTIFICATE_FORMAT}`);
  }
  return { certificate: c, hash: recordHash(jws), kid: header.kid };
}
