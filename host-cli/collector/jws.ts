// JWS compact (RFC 7515) parsing and verification for the head-end, on node:crypto alone.
// The gateway signs with ES256 (raw r||s, IEEE P1363) or EdDSA (Ed25519); kid is the RFC 7638 thumbprint.
import { createHash, createPublicKey, sign as cryptoSign, verify as cryptoVerify, type JsonWebKey, type KeyObject } from 'node:crypto';

export type JwsAlg = 'ES256' | 'EdDSA';

export interface ParsedJws {
  header: { alg: string; kid?: string; typ?: string };
  payload: unknown;
  /** The ASCII signing input "b64(header).b64(payload)". */
  signingInput: string;
  signature: Buffer;
}

/** Why a compact string could not even be parsed; `reason` is one of the collector's rejection reasons. */
export class JwsFormatError extends Error {
  constructor(
    readonly reason: 'malformed-jws' | 'payload-not-json',
    message: string,
  ) {
    super(message);
    this.name = 'JwsFormatError';
  }
}

const B64URL = /^[A-Za-z0-9_-]*$/;

function b64urlDecode(part: string, what: string): Buffer {
  if (!B64URL.test(part)) throw new JwsFormatError('malformed-jws', `${what} is not base64url (RFC 7515 §2)`);
  return Buffer.from(part, 'base64url');
}

export function parseCompact(compact: string): ParsedJws {
  const parts = compact.split('.');
  if (parts.length !== 3) {
    throw new JwsFormatError('malformed-jws', `JWS compact needs 3 dot-separated parts, got ${parts.length}`);
  }
  const [h, p, s] = parts as [string, string, string];
  let header: unknown;
  try {
    header = JSON.parse(b64urlDecode(h, 'header').toString('utf8'));
  } catch (e) {
    if (e instanceof JwsFormatError) throw e;
    throw new JwsFormatError('malformed-jws', 'JWS header is not JSON');
  }
  if (typeof header !== 'object' || header === null || typeof (header as { alg?: unknown }).alg !== 'string') {
    throw new JwsFormatError('malformed-jws', 'JWS header must be an object with a string "alg"');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(b64urlDecode(p, 'payload').toString('utf8'));
  } catch (e) {
    if (e instanceof JwsFormatError) throw e;
    throw new JwsFormatError('payload-not-json', 'JWS payload is not JSON');
  }
  return { header: header as ParsedJws['header'], payload, signingInput: `${h}.${p}`, signature: b64urlDecode(s, 'signature') };
}

/** True when the signature over the signing input is valid for `alg` and `key`. */
export function verifySignature(parsed: ParsedJws, key: KeyObject): boolean {
  const data = Buffer.from(parsed.signingInput, 'ascii');
  try {
    if (parsed.header.alg === 'ES256') {
      if (parsed.signature.length !== 64) return false;
      return cryptoVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, parsed.signature);
    }
    if (parsed.header.alg === 'EdDSA') return cryptoVerify(null, data, key, parsed.signature);
  } catch {
    return false;
  }
  return false;
}

/** base64url SHA-256 of the compact string: the `prev` link of the next record. */
export function recordHash(compact: string): string {
  return createHash('sha256').update(compact, 'ascii').digest('base64url');
}

/** RFC 7638 thumbprint of an EC P-256 or OKP Ed25519 public JWK. */
export function jwkThumbprint(jwk: JsonWebKey): string {
  let canonical: string;
  if (jwk.kty === 'EC') canonical = JSON.stringify({ crv: jwk.crv, kty: 'EC', x: jwk.x, y: jwk.y });
  else if (jwk.kty === 'OKP') canonical = JSON.stringify({ crv: jwk.crv, kty: 'OKP', x: jwk.x });
  else throw new Error(`unsupported key type "${String(jwk.kty)}": expected EC (P-256) or OKP (Ed25519)`);
  return createHash('sha256').update(canonical).digest('base64url');
}

/** The JWS alg a public key signs with, or an error naming what was expected. */
export function algOfKey(key: KeyObject): JwsAlg {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(
    `unsupported key ${key.asymmetricKeyType ?? '?'}${key.asymmetricKeyDetails?.namedCurve ? `/${key.asymmetricKeyDetails.namedCurve}` : ''}: expected Ed25519 or EC P-256`,
  );
}

/** Public JWK of a key (for storage); strips private members if given a private key. */
export function publicJwkOf(key: KeyObject): JsonWebKey {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = pub.export({ format: 'jwk' }) as JsonWebKey;
  return jwk.kty === 'EC' ? { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y } : { kty: 'OKP', crv: jwk.crv, x: jwk.x };
}

/**
 * Signs a payload as JWS compact. The gateway has its own signer (device/signing); this one exists so that the
 * collector's tests and the fleet bench can produce records without depending on the gateway runtime.
 */
export function signCompactWith(payload: unknown, privateKey: KeyObject, kid: string): string {
  const alg = algOfKey(createPublicKey(privateKey));
  const h = Buffer.from(JSON.stringify({ alg, kid, typ: 'JWT' })).toString('base64url');
  const p = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const input = Buffer.from(`${h}.${p}`, 'ascii');
  const sig =
    alg === 'ES256' ? cryptoSign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' }) : cryptoSign(null, input, privateKey);
  return `${h}.${p}.${sig.toString('base64url')}`;
}
