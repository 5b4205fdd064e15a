// A serial line pair for simulated instruments, in a temporary folder of its own (socat itself is started by
// drivers/sim/socat-pty.ts, the one place that does).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSocatPty } from '../../drivers/sim/socat-pty.js';

export interface SocatPair {
  /** The end the bench driver opens. */
  client: string;
  /** The end the simulator serves. */
  server: string;
  close(): Promise<void>;
}

export async function socatPair(name: string): Promise<SocatPair> {
  const dir = mkdtempSync(join(tmpdir(), `amsgate-${name}-`));
  const client = join(dir, name);
  const server = join(dir, `${name}.sim`);
  let pty;
  try {
    pty = await startSocatPty(client, server);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  let closing: Promise<void> | null = null;
  return {
    client,
    server,
    close() {
      closing ??= pty.close().finally(() => rmSync(dir, { recursive: true, force: true }));
      return closing;
    },
  };
}
