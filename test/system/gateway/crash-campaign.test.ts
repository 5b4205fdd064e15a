// Crash campaign: the gateway runs as a child process on a fast shared clock against the real Mosquitto and a
// simulated SDM630, and is SIGKILLed at random instants over and over. Afterwards the head-end must hold every
// record of the chain exactly once by id, every half-hour contiguous, and the delivered energy must equal the
// register span and the simulator's advance exactly (fault-scenario.ts).
import { test } from 'uvu';
import { exited } from './campaign-helpers.js';
import { Scenario } from './fault-scenario.js';

const KILLS = Number(process.env.CRASH_KILLS ?? 100);
const SPEED = 300;

test(`gateway survives ${KILLS} SIGKILLs without losing or duplicating an interval`, async () => {
  const s = await Scenario.start('crash', SPEED);
  const t0 = Date.now();
  try {
    const first = s.spawn();
    await s.firstReading(first);
    s.load(true);
    first.kill('SIGKILL');
    await exited(first);
    for (let i = 0; i < KILLS; i++) {
      const child = s.spawn();
      // One kill in ten lands during start-up; the others at a random instant after the store is open.
      if (Math.random() < 0.1) await new Promise((r) => setTimeout(r, Math.random() * 1000));
      else {
        await s.started(child);
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 1400));
      }
      child.kill('SIGKILL');
      await exited(child);
    }
    const r = await s.finish(null);
    console.log(`crash campaign: ${KILLS} SIGKILLs in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${r.summary}`);
  } finally {
    await s.close();
  }
});

test.run();
