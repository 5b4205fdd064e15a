// A streaming simulator whose output nobody reads must still stop at once (SIGTERM in `amsgate sim` calls close()):
// a blocked pty write may not hold the close.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { systemClock } from '../../../drivers/clock.js';
import { startCse7766Simulator } from '../../../drivers/uart/cse7766/simulator.js';
import { openPtyPair } from '../../helpers/pty-pair.js';

/** Resolves true when `p` settles within `ms`, false otherwise. */
const settlesWithin = (p: Promise<unknown>, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    p.then(() => (clearTimeout(t), resolve(true)), () => (clearTimeout(t), resolve(true)));
  });

test('CSE7766 simulator closes promptly after its unread pty has filled up', async () => {
  const pair = await openPtyPair();
  // Frames back to back without pause: the unread ptys fill within a moment instead of minutes.
  const sim = await startCse7766Simulator({ listen: { serial: pair.b }, clock: systemClock, profile: 'constant', wireTiming: false, frameIntervalMs: 0 });
  try {
    // Wait for the condition "writer blocked": a write pending and no frame completed for 500 ms.
    let blocked = false;
    for (let since = Date.now(), last = -1, quietFrom = Date.now(); Date.now() - since < 20_000; ) {
      await new Promise((r) => setTimeout(r, 50));
      if (sim.stats.framesSent !== last) [last, quietFrom] = [sim.stats.framesSent, Date.now()];
      if (sim.stats.writePending && Date.now() - quietFrom > 500) {
        blocked = true;
        break;
      }
    }
    assert.ok(blocked, `the simulator never filled the unread line (${sim.stats.framesSent} frames sent)`);
    assert.ok(await settlesWithin(sim.close(), 3000), 'close() did not return within 3 s of a blocked write');
  } finally {
    await pair.close();
  }
});

test.run();
