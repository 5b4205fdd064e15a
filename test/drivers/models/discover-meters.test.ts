// discoverMeters tells every model apart from every other, in-process over real TCP sockets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock, systemClock } from '../../../drivers/clock.js';
import { catalogEntry } from '../../../drivers/catalog.js';
import { discoverMeters } from '../../../drivers/models/discover-meters.js';

const clock = new ManualClock(0);

for (const id of ['sdm630', 'sdm120', 'em340', 'b23']) {
  test(`${id} at unit 3 is found as ${id} and nothing else`, async () => {
    const sim = await catalogEntry(id).startSimulator({ listen: { tcp: '127.0.0.1:0' }, unit: 3, clock, profile: 'constant', random: () => 0.5 });
    try {
      const seen: string[] = [];
      const r = await discoverMeters({ lines: [{ tcp: sim.address }], units: [1, 2, 3, 4], clock: systemClock, timeoutMs: 300, onProgress: (_c, u, m) => seen.push(`${u}:${m.id}`) });
      assert.equal(r.found.map((f) => [f.model, f.unit]), [[id, 3]]);
      assert.ok(Math.abs(r.found[0]!.voltageV! - 230) < 1);
      // Silent units cost one probe each; the found unit stops at its model.
      assert.ok(seen.includes('1:sdm630') && !seen.includes('1:sdm120'), seen.join(' '));
      assert.is(seen.filter((s) => s.startsWith('3:')).at(-1), `3:${id}`);
    } finally {
      await sim.close();
    }
  });
}

test.run();
