// JWS compact serialisation (RFC 7515) with the two algorithms a gateway may use: ES256 (RFC 7518
// section 3.4: the signature is raw r||s, 64 bytes, not DER) and EdDSA with Ed25519 (RFC 8037).
import { createPublicKey, hash, KeyObject, sign, verify, type JsonWebKey } from 'node:crypto';
import { algorithmOfKey, type DeviceKey } from './device-key.js';
import { b64url, fromB64url } from './base64url.js';
import { SignatureError } from './errors.js';

export const RECORD_JWS_TYPE = 'amsgate-record+jws';

export interface JwsHeader {
  alg: string;
  kid: string;
  typ?: string;
}

/** `typ` defaults to the record type; other signed documents (commissioning records) name their own. */
export function signCompact(payload: object, key: DeviceKey, typ: string = RECORD_JWS_TYPE): string {
  const header = { alg: key.alg, kid: key.kid, typ };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const data = Buffer.from(input, 'ascii');
  const signature =
    key.alg === 'ES256'
      ? sign('sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
      : sign(null, data, key.privateKey);
  return `${input}.${b64url(signature)}`;
}

function parseJsonPart(part: string, what: string): unknown {
  const buf = fromB64url(part);
  if (!buf) throw new SignatureError('malformed', `JWS ${what} is not base64url; expected unpadded base64url (RFC 7515)`);
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    throw new SignatureError('malformed', `JWS ${what} is not JSON; expected a base64url-encoded JSON object`, { part: what });
  }
}

/** A compact JWS split and decoded (strict base64url), its signature not yet checked. */
export interface ParsedJws {
  header: JwsHeader & Record<string, unknown>;
  payload: unknown;
  /** The ASCII signing input "b64(header).b64(payload)". */
  signingInput: string;
  signature: Buffer;
  /** The compact string as parsed (trimmed): what recordHash covers. */
  compact: string;
}

/**
 * Splits and decodes a compact JWS. Throws SignatureError 'malformed' naming the part; a payload that is base64url
 * but not JSON carries details.part = 'payload' (the collector names that reason apart).
 */
export function parseCompact(compact: string): ParsedJws {
  if (typeof compact !== 'string') throw new SignatureError('malformed', 'JWS is not a string; expected header.payload.signature');
  const trimmed = compact.trim();
  const parts = trimmed.split('.');
  if (parts.length !== 3) {
    throw new SignatureError('malformed', `JWS has ${parts.length} dot-separated parts; expected 3 (header.payload.signature)`);
  }
  const header = parseJsonPart(parts[0]!, 'header') as Partial<JwsHeader> | null;
  if (!header || typeof header !== 'object' || Array.isArray(header)) {
    throw new SignatureError('malformed', 'JWS header is not a JSON object');
  }
  if (typeof header.alg !== 'string') throw new SignatureError('malformed', 'JWS header has no "alg"; expected "ES256" or "EdDSA"');
  if (typeof header.kid !== 'string' || header.kid === '') {
    throw new SignatureError('malformed', 'JWS header has no "kid"; expected the JWK thumbprint of the signing key');
  }
  const payload = parseJsonPart(parts[1]!, 'payload');
  const signature = fromB64url(parts[2]!);
  if (!signature) throw new SignatureError('malformed', 'JWS signature is not base64url; expected unpadded base64url');
  return { header: header as ParsedJws['header'], payload, signingInput: `${parts[0]}.${parts[1]}`, signature, compact: trimmed };
}

/** Splits and decodes a compact JWS without checking the signature (for routing and display). */
export function decodeCompactUnverified(compact: string): { header: JwsHeader; payload: unknown } {
  const { header, payload } = parseCompact(compact);
  return { header, payload };
}

/**
 * The header rules every verifier applies before the signature: alg ES256 or EdDSA, and no `crit` (RFC 7515
 * section 4.1.11: an extension we do not understand must make the JWS invalid). Throws SignatureError.
 */
export function checkHeader(parsed: ParsedJws): 'ES256' | 'EdDSA' {
  const { alg } = parsed.header;
  if (alg !== 'ES256' && alg !== 'EdDSA') {
    throw new SignatureError('unsupported-alg', `JWS alg "${alg}" is not accepted; expected "ES256" or "EdDSA"`);
  }
  if ('crit' in parsed.header) {
    throw new SignatureError('unsupported-alg', 'JWS header has "crit" extensions this verifier does not understand; expected none');
  }
  return alg;
}

/** The header and key rules before the signature maths; what the verification then needs. Throws SignatureError. */
function signatureInputs(parsed: ParsedJws, publicKey: KeyObject): { alg: 'ES256' | 'EdDSA'; data: Buffer } {
  const alg = checkHeader(parsed);
  const keyAlg = algorithmOfKey(publicKey);
  if (keyAlg !== alg) {
    throw new SignatureError('bad-signature', `JWS is signed with ${alg} but the key given is ${keyAlg ?? publicKey.asymmetricKeyType}; expected a ${alg} public key`);
  }
  const sig = parsed.signature;
  const expectedLen = 64; // ES256 r||s and Ed25519 signatures are both 64 bytes
  if (sig.length !== expectedLen) {
    throw new SignatureError('bad-signature', `JWS signature is ${sig.length} bytes; expected ${expectedLen} for ${alg} (ES256 must be raw r||s, not DER)`);
  }
  return { alg, data: Buffer.from(parsed.signingInput, 'ascii') };
}

const doesNotVerify = (parsed: ParsedJws): SignatureError =>
  new SignatureError('bad-signature', `JWS signature does not verify with key ${parsed.header.kid}; the record was altered or signed by another key`);

/** Checks the signature of a parsed JWS with one public key (header rules included); throws SignatureError. */
export function verifyParsed(parsed: ParsedJws, publicKey: KeyObject): void {
  const { alg, data } = signatureInputs(parsed, publicKey);
  const sig = parsed.signature;
  const ok = alg === 'ES256' ? verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig) : verify(null, data, publicKey, sig);
  if (!ok) throw doesNotVerify(parsed);
}

/** verifyParsed with the signature maths on libuv's thread pool (other cores), the same rules and errors. */
export function verifyParsedAsync(parsed: ParsedJws, publicKey: KeyObject): Promise<void> {
  return new Promise((resolve, reject) => {
    let inputs;
    try {
      inputs = signatureInputs(parsed, publicKey);
    } catch (e) {
      reject(e);
      return;
    }
    const done = (err: Error | null, ok: boolean): void => {
      if (err) reject(err); // as verify() would throw it
      else if (!ok) reject(doesNotVerify(parsed));
      else resolve();
    };
    if (inputs.alg === 'ES256') verify('sha256', inputs.data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, parsed.signature, done);
    else verify(null, inputs.data, publicKey, parsed.signature, done);
  });
}

function toKeyObject(publicKey: KeyObject | JsonWebKey): KeyObject {
  if (publicKey instanceof KeyObject) return publicKey.type === 'private' ? createPublicKey(publicKey) : publicKey;
  try {
    return createPublicKey({ key: publicKey as JsonWebKey, format: 'jwk' });
  } catch (err) {
    throw new SignatureError('malformed', `verification key is not a usable JWK (${(err as Error).message}); expected an EC P-256 or OKP Ed25519 public JWK`);
  }
}

/** Verifies a compact JWS against one public key; throws SignatureError when it does not verify. */
export function verifyCompact(
  compact: string,
  publicKey: KeyObject | JsonWebKey,
): { header: JwsHeader; payload: unknown } {
  const parsed = parseCompact(compact);
  checkHeader(parsed);
  verifyParsed(parsed, toKeyObject(publicKey));
  return { header: parsed.header, payload: parsed.payload };
}

/** base64url(SHA-256(compact as ASCII)): what the next record's `prev` holds. */
export function recordHash(compact: string): string {
  // One-shot hash(): about a quarter of createHash's cost per call (the collector hashes every record).
  return hash('sha256', Buffer.from(compact.trim(), 'ascii'), 'base64url');
}

/** recordHash of a compact JWS given as its (ASCII, untrimmed-free) bytes, as a message carried it. */
export function recordHashOfBytes(compact: Buffer): string {
  return hash('sha256', compact, 'base64url');
}
