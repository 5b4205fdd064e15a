// The device registry as the verifier sees it: public keys by device and kid, with their validity windows.
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { RegisteredKey } from './store-types.js';

export interface RingKey extends RegisteredKey {
  key: KeyObject;
}

type Entry = RegisteredKey & { key?: KeyObject };

export class KeyRing {
  private byDevice = new Map<string, Map<string, Entry>>();
  private deviceOfKid = new Map<string, string>();
  loadedAt = 0;

  /**
   * Builds a ring from the registry. Turning a JWK into a KeyObject costs far more than a verification, so keys
   * already in `previous` (same device, kid and JWK) are reused: a reload after an unknown kid stays cheap.
   */
  static from(keys: RegisteredKey[], now = Date.now(), previous?: KeyRing): KeyRing {
    const ring = new KeyRing();
    for (const k of keys) {
      const old = previous?.byDevice.get(k.device)?.get(k.kid);
      ring.add(k, old && old.alg === k.alg && JSON.stringify(old.jwk) === JSON.stringify(k.jwk) ? old.key : undefined);
    }
    ring.loadedAt = now;
    return ring;
  }

  add(k: RegisteredKey, key?: KeyObject): void {
    let m = this.byDevice.get(k.device);
    if (!m) this.byDevice.set(k.device, (m = new Map()));
    // The KeyObject is made on first use (get), so that start-up with a large fleet is quick.
    m.set(k.kid, { ...k, key });
    this.deviceOfKid.set(k.kid, k.device);
  }

  get(device: string, kid: string): RingKey | undefined {
    const e = this.byDevice.get(device)?.get(kid);
    if (!e) return undefined;
    if (!e.key) e.key = createPublicKey({ key: e.jwk, format: 'jwk' });
    return e as RingKey;
  }

  /** The device a kid is registered to, if any (for a clearer rejection message). */
  deviceOf(kid: string): string | undefined {
    return this.deviceOfKid.get(kid);
  }

  get size(): number {
    return this.deviceOfKid.size;
  }
}

/** A key is valid for a record created at t when validFrom <= t < validTo (validTo null = open). */
export function keyValidAt(k: RegisteredKey, t: number): boolean {
  return t >= k.validFrom && (k.validTo === null || t < k.validTo);
}
