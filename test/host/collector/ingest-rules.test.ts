import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyIngestRules } from '../../../host-cli/collector/ingest-rules.js';
import { KeyRing } from '../../../host-cli/collector/key-ring.js';
import { newIdentity, SimDevice } from '../../../host-cli/collector/sim-device.js';
import { seqKey, type IngestTx, type VerifiedRecord } from '../../../host-cli/collector/store-types.js';
import { verifyMessage } from '../../../host-cli/collector/verify-message.js';

const T = Date.parse('2026-06-01T00:00:00Z');

function verified(n: number): VerifiedRecord[] {
  const id = newIdentity('gw1');
  const sim = new SimDevice(id);
  const ring = KeyRing.from([{ device: 'gw1', kid: id.kid, alg: id.alg, jwk: id.publicJwk, validFrom: 0, validTo: null, source: 'test', addedAt: 0 }]);
  return Array.from({ length: n }, (_, i) => {
    const v = verifyMessage('amsgate/v1/gw1/interval', sim.interval({ start: T + i * 1_800_000, energyWh: i }).compact, ring, 1);
    if (!v.ok) throw new Error(v.rejection.detail);
    return v.record;
  });
}

test('a record another collector commits between the id and the seq look-ups is a duplicate, not a fork', async () => {
  const recs = verified(3);
  // The id look-up ran before the other collector's commit (sees nothing), the seq look-up after it (sees all).
  const tx: IngestTx = {
    byIds: async () => new Map(),
    bySeqs: async () => new Map(recs.map((r) => [seqKey(r.device, r.seq), { id: r.id, hash: r.hash, prev: r.prev }])),
    insertRecords: async () => new Set(),
    insertRejections: async () => undefined,
    addCounter: async () => undefined,
  };
  const r = await applyIngestRules(tx, recs, []);
  assert.equal([r.accepted, r.duplicates, r.rejections.map((x) => x.reason)], [0, 3, []]);
});

test.run();
