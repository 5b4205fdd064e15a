// The gateway's signing key: one private key file per device, created on first start and never
// readable by anyone but the gateway's user. ECDSA P-256 is the default because it is what secure
// elements and TPMs offer; Ed25519 is available for software-only devices.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../drivers/errors.js';
import { b64url } from './base64url.js';

export type SigningAlgorithm = 'ES256' | 'EdDSA';

export interface DeviceKey {
  alg: SigningAlgorithm;
  /** RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key. */
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Public JWK with kid, alg and use added. */
  publicJwk: JsonWebKey;
}

export const PRIVATE_KEY_FILE = 'device-key.pem';
export const PUBLIC_KEY_FILE = 'device-key.pub.pem';

/** RFC 7638: SHA-256 over the required members only, in lexicographic order, no whitespace. */
export function jwkThumbprint(jwk: JsonWebKey): string {
  let members: Record<string, unknown>;
  if (jwk.kty === 'EC') members = { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  else if (jwk.kty === 'OKP') members = { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  else if (jwk.kty === 'RSA') members = { e: jwk.e, kty: jwk.kty, n: jwk.n };
  else throw new ConfigError('jwk', `cannot take the thumbprint of a JWK with kty "${String(jwk.kty)}"; expected EC, OKP or RSA`);
  for (const [k, v] of Object.entries(members)) {
    if (typeof v !== 'string' || v === '') {
      throw new ConfigError('jwk', `JWK member "${k}" is missing; a ${String(jwk.kty)} public key needs ${Object.keys(members).join(', ')}`);
    }
  }
  return b64url(createHash('sha256').update(JSON.stringify(members)).digest());
}

/** The public JWK of a key (private members dropped), with only the members RFC 7638 needs. */
export function publicJwkOf(key: KeyObject): JsonWebKey {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = pub.export({ format: 'jwk' }) as JsonWebKey;
  return jwk.kty === 'EC' ? { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y } : { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
}

/** Which JWS algorithm a key object can sign with, or null for key types we do not use. */
export function algorithmOfKey(key: KeyObject): SigningAlgorithm | null {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  return null;
}

/** Builds a DeviceKey from a private key (PEM text or KeyObject). */
export function deviceKeyFromPrivate(privateKey: KeyObject | string): DeviceKey {
  const priv = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const alg = algorithmOfKey(priv);
  if (!alg) {
    throw new ConfigError(
      'key-type',
      `device key is ${priv.asymmetricKeyType ?? 'unknown'}${priv.asymmetricKeyDetails?.namedCurve ? ` (${priv.asymmetricKeyDetails.namedCurve})` : ''}; expected an ECDSA P-256 (ES256) or Ed25519 (EdDSA) private key`,
    );
  }
  const publicKey = createPublicKey(priv);
  const raw = publicKey.export({ format: 'jwk' }) as JsonWebKey;
  const kid = jwkThumbprint(raw);
  return { alg, kid, privateKey: priv, publicKey, publicJwk: { ...raw, kid, alg, use: 'sig' } };
}

/** Public key as SPKI PEM (what `openssl` and most JOSE libraries read). */
export function publicKeyPem(key: DeviceKey): string {
  return key.publicKey.export({ format: 'pem', type: 'spki' }).toString();
}

/** Reads a public key from PEM (SPKI or a private key) or JWK JSON text. */
export function parsePublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const jwk = JSON.parse(trimmed) as JsonWebKey;
    return createPublicKey({ key: jwk, format: 'jwk' });
  }
  return createPublicKey(trimmed);
}

/**
 * A new private key as PKCS#8 PEM, encoded by the key generation itself. Never a KeyObject from generateKeyPairSync:
 * exporting a JWK from that object (or from a public key derived from it, which shares its lock) can deadlock Node 20
 * for good (ExportJWKEcKey holds the key's mutex while it allocates; a garbage collection then destroys the finished
 * KeyGenJob, whose destructor takes the same mutex: the fleet bench hung so, docs/collector.md). A key imported from
 * this text has a lock of its own.
 */
export function newPrivateKeyPem(alg: SigningAlgorithm): string {
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  return alg === 'EdDSA'
    ? generateKeyPairSync('ed25519', { publicKeyEncoding, privateKeyEncoding }).privateKey
    : generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding, privateKeyEncoding }).privateKey;
}

/**
 * Loads `<dir>/device-key.pem`, creating it (mode 0600, with a public copy) when absent. Refuses a key
 * file that group or others can read, and a key whose algorithm differs from the one asked for.
 */
export function loadOrCreateDeviceKey(dir: string, alg?: SigningAlgorithm): DeviceKey {
  const file = join(dir, PRIVATE_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pem = newPrivateKeyPem(alg ?? 'ES256');
    // 'wx' so that two processes starting at once cannot overwrite each other's key.
    writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600); // the umask may have narrowed it further, never widened; make it exact
    const key = deviceKeyFromPrivate(pem);
    writeFileSync(join(dir, PUBLIC_KEY_FILE), publicKeyPem(key), { mode: 0o644 });
    return key;
  }
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(
      'key-permissions',
      `device key ${file} is open to group or others (mode ${mode.toString(8).padStart(4, '0')}); ` +
        `expected 0600: run chmod 600 ${file}`,
      { file, mode },
    );
  }
  let key: DeviceKey;
  try {
    key = deviceKeyFromPrivate(readFileSync(file, 'utf8'));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError('key-unreadable', `device key ${file} is not a PEM private key (${(err as Error).message}); expected PKCS#8 PEM, or move it away to create a new key`);
  }
  if (alg && key.alg !== alg) {
    throw new ConfigError(
      'key-algorithm',
      `device key ${file} is ${key.alg} but the configuration asks for ${alg}; set keys.algorithm: ${key.alg}, or move the key file away to create a new ${alg} key (its records will then carry a new kid)`,
    );
  }
  return key;
}
