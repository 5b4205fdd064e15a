// Lets `amsgate sim <modbus model> --serial /tmp/meter` work without a serial port: when the path does not
// exist, socat makes a pty pair, links the path for the client and `<path>.sim` for the simulator.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { TransportError } from '../errors.js';

export interface SimPty {
  /** Path the simulator opens. */
  simPath: string;
  /** Path a client opens (the path asked for). */
  clientPath: string;
  close(): Promise<void>;
}

const READY_MS = 5000;

/** Uses `path` as it is if it exists (one end of a pair the user made), else creates a pair around it. */
export async function simSerialPath(path: string): Promise<SimPty> {
  if (existsSync(path)) return { simPath: path, clientPath: path, close: async () => {} };
  const simPath = `${path}.sim`;
  const child: ChildProcess = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${path}`, `pty,raw,echo=0,link=${simPath}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new TransportError('socat', `socat did not create ${path} within ${READY_MS} ms: ${log}`)), READY_MS);
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(new TransportError('socat', `${path} does not exist and socat could not create it (apt-get install socat): ${e.message}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new TransportError('socat', `socat exited with code ${code} before creating ${path}: ${log}`));
      });
      child.stderr!.on('data', (c: Buffer) => {
        log += c.toString();
        if (log.includes('starting data transfer loop') && existsSync(path) && existsSync(simPath)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  child.removeAllListeners('exit');
  child.stderr!.resume();
  child.on('error', () => {});
  return {
    simPath,
    clientPath: path,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
