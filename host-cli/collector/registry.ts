// Device registry operations: register, rotate and revoke gateway signing keys.
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../drivers/errors.js';
import { algOfKey, jwkThumbprint, parseCompact, publicJwkOf, verifySignature } from './jws.js';
import type { CollectorStore, RegisteredKey } from './store-types.js';

/** Reads a public key from PEM (public or private key: only the public half is kept) or a JWK JSON file. */
export function readPublicKeyFile(path: string): KeyObject {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError('key-file', `cannot read key file ${path}: ${(e as Error).message}`);
  }
  return parsePublicKey(text, path);
}

export function parsePublicKey(text: string, what = 'key'): KeyObject {
  const t = text.trim();
  try {
    if (t.startsWith('-----BEGIN')) return createPublicKey(t);
    const json = JSON.parse(t) as Record<string, unknown>;
    const jwk = (json.publicJwk ?? json.jwk ?? json) as JsonWebKey;
    return createPublicKey({ key: jwk, format: 'jwk' });
  } catch (e) {
    throw new ConfigError('key-format', `${what}: expected a PEM public key or a JWK (EC P-256 or OKP Ed25519) in JSON: ${(e as Error).message}`);
  }
}

export function registeredKeyOf(device: string, key: KeyObject, validFrom: number, source: string, now: number): RegisteredKey {
  let alg;
  try {
    alg = algOfKey(key);
  } catch (e) {
    throw new ConfigError('key-type', (e as Error).message);
  }
  const jwk = publicJwkOf(key);
  return { device, kid: jwkThumbprint(jwk), alg, jwk, validFrom, validTo: null, source, addedAt: now };
}

export async function addDeviceKey(store: CollectorStore, k: RegisteredKey): Promise<RegisteredKey> {
  const existing = (await store.listKeys()).filter((x) => x.kid === k.kid);
  const same = existing.find((x) => x.device === k.device);
  if (same) throw new ConfigError('key-exists', `key ${k.kid} is already registered for device ${k.device} (valid from ${new Date(same.validFrom).toISOString()})`);
  if (existing.length) throw new ConfigError('key-in-use', `key ${k.kid} is already registered to device ${existing[0]!.device}; a key belongs to one device`);
  await store.addKey(k);
  return k;
}

/** Registers a new key from `at` and closes every key of the device still open at `at`. */
export async function rotateDeviceKey(store: CollectorStore, k: RegisteredKey): Promise<{ added: RegisteredKey; closed: string[] }> {
  const open = (await store.listKeys(k.device)).filter((x) => x.validTo === null || x.validTo > k.validFrom);
  if (open.length === 0) throw new ConfigError('no-key', `device ${k.device} has no key to rotate from; use "amsgate devices add"`);
  await addDeviceKey(store, k);
  const closed: string[] = [];
  for (const o of open) {
    if (o.kid === k.kid) continue;
    await store.revokeKey(o.kid, k.validFrom, k.device);
    closed.push(o.kid);
  }
  return { added: k, closed };
}

/**
 * A commissioning record as written by `amsgate commission` (host-cli/commissioning/commissioning-record.ts): its
 * .json file, or its .jws (then the signature must verify with the key the record carries, which proves the device
 * holds that key). Accepted field names: device | deviceId, publicJwk | publicKey (PEM), kid (checked if present),
 * commissionedAt | at; a record whose `result` is "fail" is refused.
 *
 * The key is valid from `from` when given, else from `keyCreatedAt` if the record carries it, else from the start of
 * time: never from `commissionedAt`, because the gateway signs records (its test alarm, the periods it closed while
 * the installer worked) before commissioning ends, and refusing them would lose them for good. A record cannot be
 * signed before its key existed, so an open start admits nothing a later window would refuse.
 */
export function keyFromCommissioning(text: string, now: number, from?: number): RegisteredKey {
  let j: Record<string, unknown>;
  const t = text.trim();
  let jws: ReturnType<typeof parseCompact> | null = null;
  if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(t)) {
    try {
      jws = parseCompact(t);
    } catch (e) {
      throw new ConfigError('commissioning', `commissioning record JWS cannot be read: ${(e as Error).message}`);
    }
    j = jws.payload as Record<string, unknown>;
  } else {
    try {
      j = JSON.parse(t) as Record<string, unknown>;
    } catch {
      throw new ConfigError('commissioning', 'commissioning record is neither JSON nor a JWS compact string');
    }
  }
  if (typeof j !== 'object' || j === null) throw new ConfigError('commissioning', 'commissioning record must be a JSON object');
  if (j.result === 'fail') throw new ConfigError('commissioning', 'commissioning record says result "fail": the device was not commissioned; register it after a passing commissioning');
  const device = (j.device ?? j.deviceId) as unknown;
  if (typeof device !== 'string' || !device) throw new ConfigError('commissioning', 'commissioning record needs "device" (or "deviceId")');
  const keySrc = j.publicJwk ?? j.publicKey;
  if (!keySrc) throw new ConfigError('commissioning', 'commissioning record needs "publicJwk" (JWK) or "publicKey" (PEM)');
  const key = parsePublicKey(typeof keySrc === 'string' ? keySrc : JSON.stringify(keySrc), 'commissioning record key');
  const atText = (j.commissionedAt ?? j.at) as unknown;
  const at = typeof atText === 'string' ? Date.parse(atText) : NaN;
  if (Number.isNaN(at)) throw new ConfigError('commissioning', 'commissioning record needs "commissionedAt" as an ISO 8601 time');
  const createdText = j.keyCreatedAt;
  const created = typeof createdText === 'string' ? Date.parse(createdText) : NaN;
  if (createdText !== undefined && Number.isNaN(created)) throw new ConfigError('commissioning', 'commissioning record "keyCreatedAt" is not an ISO 8601 time');
  const k = registeredKeyOf(device, key, from ?? (Number.isNaN(created) ? 0 : created), 'commissioning', now);
  if (jws && !verifySignature(jws, key)) {
    throw new ConfigError('commissioning', 'commissioning record JWS signature does not verify with the key it carries');
  }
  if (typeof j.kid === 'string' && j.kid !== k.kid) {
    throw new ConfigError('commissioning', `commissioning record kid ${j.kid} does not match the RFC 7638 thumbprint of its key (${k.kid})`);
  }
  return k;
}

/** Parses a CLI date: ISO 8601, or YYYY-MM-DD meaning 00:00 UTC. */
export function parseDateOption(text: string, name: string): number {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const ms = Date.parse(t);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(text)) {
    throw new ConfigError('bad-date', `${name} "${text}" is not a date: expected YYYY-MM-DD (UTC midnight) or an ISO 8601 time such as 2026-10-25T00:00:00Z`);
  }
  return ms;
}
