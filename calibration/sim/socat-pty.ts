// A serial line pair for simulated instruments: socat joins two pseudo-terminals (Debian package socat).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransportError } from '../../drivers/errors.js';

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
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${client}`, `pty,raw,echo=0,link=${server}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new TransportError('socat', `socat did not open the ${name} pty pair within 5 s: ${log}`)), 5000);
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(new TransportError('socat', `cannot start socat for the simulated ${name} (apt-get install socat): ${e.message}`));
      });
      child.stderr!.on('data', (d: Buffer) => {
        log += d.toString();
        if (log.includes('starting data transfer loop') && existsSync(client) && existsSync(server)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  child.stderr!.resume();
  let closing: Promise<void> | null = null;
  return {
    client,
    server,
    close() {
      closing ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
