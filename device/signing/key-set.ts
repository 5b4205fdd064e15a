// A verifier's set of trusted public keys, indexed by kid. The kid is recomputed from each key (RFC 7638)
// rather than taken from a file, so that a mislabelled key cannot vouch for another device's records.
import type { KeyObject } from 'node:crypto';
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../drivers/errors.js';
import { algorithmOfKey, jwkThumbprint } from './device-key.js';

function publicOf(key: KeyObject): KeyObject {
  return key.type === 'private' ? createPublicKey(key) : key;
}

/** kid of a public key object. */
export function kidOf(key: KeyObject): string {
  return jwkThumbprint(publicOf(key).export({ format: 'jwk' }) as JsonWebKey);
}

/**
 * Parses PEM (one or more SPKI or private keys), a JWK, a JWK Set ({keys: [...]}) or a JSON array of JWKs.
 * `source` names the input in error messages.
 */
export function parseKeys(text: string, source = 'key'): KeyObject[] {
  const t = text.trim();
  const keys: KeyObject[] = [];
  try {
    if (t.startsWith('{') || t.startsWith('[')) {
      const doc = JSON.parse(t) as JsonWebKey | JsonWebKey[] | { keys: JsonWebKey[] };
      const list = Array.isArray(doc) ? doc : 'keys' in doc && Array.isArray(doc.keys) ? doc.keys : [doc as JsonWebKey];
      for (const jwk of list) {
        // Only the public members: a JWK carrying "d" must still give a public key here.
        const { d: _d, ...pub } = jwk;
        keys.push(createPublicKey({ key: pub as JsonWebKey, format: 'jwk' }));
      }
    } else {
      const blocks = t.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [];
      for (const b of blocks) keys.push(publicOf(createPublicKey(b)));
    }
  } catch (err) {
    throw new ConfigError('bad-key', `${source} is not a usable public key (${(err as Error).message}); expected a PEM public key, a JWK or a JWK Set`);
  }
  if (keys.length === 0) throw new ConfigError('bad-key', `${source} holds no key; expected a PEM public key, a JWK or a JWK Set`);
  for (const k of keys) {
    if (!algorithmOfKey(k)) throw new ConfigError('bad-key', `${source} holds a ${k.asymmetricKeyType} key; expected ECDSA P-256 or Ed25519`);
  }
  return keys;
}

/** Reads key files into a kid -> public key map. */
export function loadKeySet(files: string[]): Map<string, KeyObject> {
  const out = new Map<string, KeyObject>();
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (err) {
      throw new ConfigError('bad-key', `cannot read key file ${f} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); give a PEM or JWK file`);
    }
    for (const k of parseKeys(text, `key file ${f}`)) out.set(kidOf(k), k);
  }
  return out;
}
