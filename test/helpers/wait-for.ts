// Waits for a condition instead of a fixed sleep: checks after every event-loop turn (and at least every 2 ms), fails
// with `what` if it does not hold within `timeoutMs` (an upper bound only: generous, for a loaded machine).
import { setImmediate as turn } from 'node:timers/promises';

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; !cond(); i++) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    if (i % 16 === 15) await new Promise((r) => setTimeout(r, 2));
    else await turn();
  }
}
