// Serial lines without hardware: socat joins two pseudo-terminals, so whatever one end writes the other reads,
// through the same kernel tty layer (and the same `serialport` code) a USB RS-485 adapter uses. A pty ignores the
// baud rate: simulators add the wire time themselves (wire-timing.ts).
//
// The one place that starts socat for simulators (`amsgate sim ... --serial PATH`) and tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { TransportError } from '../errors.js';

export interface SocatPty {
  /** Stops socat (which removes both links); safe to call twice. */
  close(): Promise<void>;
}

const READY_MS = 5000;
const KILL_AFTER_MS = 1000;

/** Starts socat with a pty linked at `a` and another at `b`; resolves once both links exist and socat copies bytes. */
export async function startSocatPty(a: string, b: string): Promise<SocatPty> {
  const child: ChildProcess = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    // socat logs "starting data transfer loop" once both ptys exist and it is copying bytes.
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new TransportError('socat', `socat did not create the pty pair ${a} / ${b} within ${READY_MS} ms: ${log}`)), READY_MS);
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(new TransportError('socat', `cannot start socat to create the pty pair ${a} / ${b} (apt-get install socat): ${e.message}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new TransportError('socat', `socat exited with code ${code} before creating the pty pair ${a} / ${b}: ${log}`));
      });
      child.stderr!.on('data', (c: Buffer) => {
        log += c.toString();
        if (log.includes('starting data transfer loop') && existsSync(a) && existsSync(b)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  child.stderr!.resume(); // keep draining stderr so socat never blocks on a full pipe
  child.on('error', () => {});
  let closing: Promise<void> | null = null;
  return {
    close() {
      closing ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
        await exited;
        clearTimeout(t);
      })();
      return closing;
    },
  };
}

export interface SimPty {
  /** Path the simulator opens. */
  simPath: string;
  /** Path a client opens (the path asked for). */
  clientPath: string;
  close(): Promise<void>;
}

/**
 * The simulator's end of `path`: `path` itself if it exists (one end of a pair the user made, or a real
 * adapter); otherwise socat links `path` for the client and `<path>.sim` for the simulator.
 */
export async function simSerialPath(path: string): Promise<SimPty> {
  if (existsSync(path)) return { simPath: path, clientPath: path, close: async () => {} };
  const simPath = `${path}.sim`;
  const socat = await startSocatPty(path, simPath);
  return { simPath, clientPath: path, close: () => socat.close() };
}
