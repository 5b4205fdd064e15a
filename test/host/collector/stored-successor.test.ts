// A stored successor vouches through the store: linksAt on the SQLite backend, and a resent run verified by the
// daemon's batch step (batch-verify.ts) with no signature, only below the announced tail.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { verifyPending } from '../../../host-cli/collector/batch-verify.js';
import { KeyRing } from '../../../host-cli/collector/key-ring.js';
import { seqKey } from '../../../host-cli/collector/store-types.js';
import { verifyMessage } from '../../../host-cli/collector/verify-message.js';
import { registeredDevice, tempSqlite } from './helpers.js';

const T = Date.parse('2026-06-01T00:00:00Z');

test('records 1..6 sealed, 5 and 6 stored; 2..4 resent: no signature, vouched by stored seq 5, same as one by one', async () => {
  const { store, cleanup } = await tempSqlite();
  try {
    const dev = await registeredDevice(store, 'gw-succ', 'ES256');
    const ring = KeyRing.from(await store.listKeys());
    const msgs = Array.from({ length: 6 }, (_, i) => ({ topic: `amsgate/v1/gw-succ/interval`, payload: dev.interval({ start: T + i * 1_800_000, energyWh: 7 + i }).compact, receivedAt: T }));
    const one = msgs.map((m) => verifyMessage(m.topic, m.payload, ring, m.receivedAt));
    const recs = one.map((v) => (v.ok ? v.record : assert.unreachable('all valid')));
    await store.ingest([recs[4]!, recs[5]!], []);

    const links = await store.linksAt!([{ device: 'gw-succ', seq: 5 }, { device: 'gw-succ', seq: 9 }]);
    assert.equal([...links.keys()], [seqKey('gw-succ', 5)]);
    assert.equal(links.get(seqKey('gw-succ', 5)), { prev: recs[3]!.hash, kid: recs[4]!.kid });

    const stats = { signatures: 0, linked: 0, linkedByStore: 0 };
    const resent = msgs.slice(1, 4);
    const v = await verifyPending(resent, { ring, store, chain: true, tailOf: () => 6, stats });
    assert.equal(v.records.map((r) => r.seq), [2, 3, 4]);
    assert.equal(v.rejections, []);
    assert.equal(stats, { signatures: 0, linked: 3, linkedByStore: 1 });

    // No announced tail above them: nothing is looked up, the run's newest is verified by its signature.
    const s2 = { signatures: 0, linked: 0, linkedByStore: 0 };
    await verifyPending(resent, { ring, store, chain: true, tailOf: () => 0, stats: s2 });
    assert.equal(s2, { signatures: 1, linked: 2, linkedByStore: 0 });
  } finally {
    await cleanup();
  }
});

test.run();
