// A real serial-port pair for tests: socat joins two pseudo-terminals, so whatever one end writes the
// other reads, through the same kernel tty layer (and the same `serialport` code) a USB RS-485 adapter uses.
// A pty ignores the baud rate: simulators must add wire time themselves (drivers/sim/wire-timing.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  /** Path of one end (a symlink to /dev/pts/N). */
  a: string;
  /** Path of the other end. */
  b: string;
  /** Stops socat and removes the links; safe to call twice. */
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 5000;

export async function openPtyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-pty-'));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  const child: ChildProcess = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  // socat logs "starting data transfer loop" once both ptys exist and it is copying bytes.
  try {
    await new Promise<void>((resolveReady, rejectReady) => {
      let settled = false;
      const resolve = () => {
        settled = true;
        resolveReady();
      };
      const reject = (e: Error) => {
        if (!settled) rejectReady(e);
        settled = true;
      };
      let log = '';
      const timer = setTimeout(() => {
        reject(new Error(`socat did not report both ptys ready within ${READY_TIMEOUT_MS} ms; stderr: ${log}`));
      }, READY_TIMEOUT_MS);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`cannot start socat (is it installed? apt-get install socat): ${err.message}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`socat exited with code ${code} before the ptys were ready; stderr: ${log}`));
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (!settled && log.includes('starting data transfer loop') && existsSync(a) && existsSync(b)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  // Keep draining stderr so socat never blocks on a full pipe.
  child.stderr!.resume();
  child.on('error', () => {});

  let closing: Promise<void> | null = null;
  return {
    a,
    b,
    close() {
      closing ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 1000);
          await exited;
          clearTimeout(t);
        }
        rmSync(dir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
