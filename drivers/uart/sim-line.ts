// The simulator's end of a serial line. Given an existing tty (one end of a socat pair) it opens it; given a
// path that does not exist yet it starts socat itself, links `<path>` for the client and opens `<path>.sim`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ConnectionSpec, SimulatorOptions } from '../catalog.js';
import { TransportError } from '../errors.js';
import { PhysicalMeter } from '../sim/physical-meter.js';
import { profileByName } from '../sim/load-profile.js';
import type { LineSettings } from '../sim/wire-timing.js';
import { SerialLine } from './serial-line.js';
import { lineOf, serialOnly } from './serial-connection.js';

export interface SimLine {
  line: SerialLine;
  /** The path a client opens. */
  address: string;
  close(): Promise<void>;
}

async function startSocat(clientPath: string, simPath: string): Promise<ChildProcess> {
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${clientPath}`, `pty,raw,echo=0,link=${simPath}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new TransportError('socat', `socat did not create ${clientPath} within 5 s: ${log}`)), 5000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new TransportError('socat', `cannot start socat to create ${clientPath} (apt-get install socat): ${e.message}`));
    });
    child.stderr!.on('data', (c: Buffer) => {
      log += c.toString();
      if (log.includes('starting data transfer loop')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.stderr!.resume();
  return child;
}

export async function openSimLine(listen: ConnectionSpec, model: string, d: LineSettings): Promise<SimLine> {
  const conn = serialOnly(listen, model);
  let socat: ChildProcess | null = null;
  let simPath = conn.serial;
  if (!existsSync(conn.serial)) {
    simPath = `${conn.serial}.sim`;
    socat = await startSocat(conn.serial, simPath);
  }
  const line = await SerialLine.open({ ...lineOf({ ...conn, serial: simPath }, d) });
  return {
    line,
    address: conn.serial,
    async close() {
      await line.close();
      if (socat && socat.exitCode === null) {
        const exited = new Promise((r) => socat!.once('exit', r));
        socat.kill('SIGTERM');
        await exited;
      }
    },
  };
}

export function physicalFor(o: SimulatorOptions, phases: 1 | 3): PhysicalMeter {
  const pm = new PhysicalMeter({
    clock: o.clock,
    profile: profileByName(o.profile, o.ratingW),
    phases,
    errorFraction: o.errorFraction,
    random: o.random,
  });
  if (o.initialImportWh || o.initialExportWh) pm.setRegisters(o.initialImportWh ?? 0, o.initialExportWh ?? 0);
  return pm;
}
