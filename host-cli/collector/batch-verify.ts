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

/**
 * Verdicts for `batch`. `ahead`: messages received after it, queued for the next batch; they take part in the chain
 * (a batch's newest records are vouched for by their queued successors) and are decided in their own batch.
 */
export async function verifyPending(batch: Incoming[], c: BatchVerifyContext, ahead: Incoming[] = []): Promise<BatchVerdicts> {
  let pre: Verdict[] | undefined;
  let stored: Map<string, StoredLink> | undefined;
  const window = c.chain && ahead.length > 0 ? batch.concat(ahead) : batch;
  if (c.chain) {
    try {
      pre = await precheckYielding(window, c.ring);
      const keys = successorKeys(pre, (device, seq) => c.tailOf(device) > seq);
      // Without the look-up (store error) each such record is verified by its own signature: slower, same verdict.
      if (keys.length > 0 && c.store.linksAt) stored = await c.store.linksAt(keys).catch(() => undefined);
    } catch {
      pre = undefined; // verifyForStore checks again and turns the fault into rejections
    }
  }
  // Were the look-ahead's precheck to fail, the batch is verified alone.
  const v = pre ? await verifyForStore(window, c.ring, c.chain, stored, pre, batch.length) : await verifyForStore(batch, c.ring, c.chain);
  c.stats.signatures += v.stats.signatures;
  c.stats.linked += v.stats.linked;
  c.stats.linkedByStore += v.stats.linkedByStore;
  return v;
}
