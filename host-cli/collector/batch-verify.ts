// One batch of queued messages through the record rules and the hash chain (chain-auth.ts), with the stored
// successors looked up first where one may exist.
import { precheckYielding, successorKeys, verifyForStore, type Incoming } from './chain-auth.js';
import type { CollectorStats } from './collector-types.js';
import type { KeyRing } from './key-ring.js';
import type { CollectorStore, Rejection, StoredLink, VerifiedRecord } from './store-types.js';
import type { Verdict } from './verify-message.js';

export interface BatchVerdicts {
  records: VerifiedRecord[];
  rejections: Rejection[];
  unknownKey: boolean;
}

export interface BatchVerifyContext {
  ring: KeyRing;
  store: CollectorStore;
  chain: boolean;
  /** The highest seq the gateway announced (0: none): a stored successor is looked for only below it. */
  tailOf: (device: string) => number;
  stats: Pick<CollectorStats, 'signatures' | 'linked' | 'linkedByStore'>;
}

export async function verifyPending(batch: Incoming[], c: BatchVerifyContext): Promise<BatchVerdicts> {
  let pre: Verdict[] | undefined;
  let stored: Map<string, StoredLink> | undefined;
  if (c.chain) {
    try {
      pre = await precheckYielding(batch, c.ring);
      const keys = successorKeys(pre, (device, seq) => c.tailOf(device) > seq);
      // Without the look-up (store error) each such record is verified by its own signature: slower, same verdict.
      if (keys.length > 0 && c.store.linksAt) stored = await c.store.linksAt(keys).catch(() => undefined);
    } catch {
      pre = undefined; // verifyForStore checks again and turns the fault into rejections
    }
  }
  const v = await verifyForStore(batch, c.ring, c.chain, stored, pre);
  c.stats.signatures += v.stats.signatures;
  c.stats.linked += v.stats.linked;
  c.stats.linkedByStore += v.stats.linkedByStore;
  return v;
}
