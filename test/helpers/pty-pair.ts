// A real serial-port pair for tests: two pseudo-terminals joined by socat (drivers/sim/socat-pty.ts), linked
// in a fresh temporary folder. A pty ignores the baud rate: simulators must add wire time themselves
// (drivers/sim/wire-timing.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSocatPty } from '../../drivers/sim/socat-pty.js';

export interface PtyPair {
  /** Path of one end (a symlink to /dev/pts/N). */
  a: string;
  /** Path of the other end. */
  b: string;
  /** Stops socat and removes the links; safe to call twice. */
  close(): Promise<void>;
}

export async function openPtyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-pty-'));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  let socat;
  try {
    socat = await startSocatPty(a, b);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let closing: Promise<void> | null = null;
  return {
    a,
    b,
    close() {
      closing ??= socat.close().then(() => rmSync(dir, { recursive: true, force: true }));
      return closing;
    },
  };
}
