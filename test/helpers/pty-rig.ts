// A simulator on one end of a fresh pty pair and a driver (or client) on the other: the set-up most serial tests
// share. `close()` shuts them down driver first; a failed start leaves nothing running.
import { openPtyPair, type PtyPair } from './pty-pair.js';

interface Closable {
  close(): Promise<void>;
}

export interface PtyRig<S extends Closable, D extends Closable> {
  pair: PtyPair;
  sim: S;
  drv: D;
  close(): Promise<void>;
}

/** `startSim` gets the simulator's end of the pair, `openDrv` the client's. */
export async function openPtyRig<S extends Closable, D extends Closable>(
  startSim: (path: string) => Promise<S>,
  openDrv: (path: string) => Promise<D>,
): Promise<PtyRig<S, D>> {
  const pair = await openPtyPair();
  let sim: S | undefined;
  try {
    sim = await startSim(pair.b);
    const drv = await openDrv(pair.a);
    const started = sim;
    return {
      pair,
      sim: started,
      drv,
      async close() {
        await drv.close();
        await started.close();
        await pair.close();
      },
    };
  } catch (e) {
    await sim?.close();
    await pair.close();
    throw e;
  }
}
