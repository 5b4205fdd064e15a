// Opens the driver for one configured meter. Simulated meters (simulate: set) get their catalog simulator
// started in-process first: {tcp: '127.0.0.1:0'} on a free port, {serial: 'auto'} on one end of a socat pty pair.
import { createServer } from 'node:net';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogEntry, type ConnectionSpec, type RunningSimulator } from '../../drivers/catalog.js';
import type { Clock } from '../../drivers/clock.js';
import { TransportError } from '../../drivers/errors.js';
import type { MeterDriver } from '../../drivers/meter-driver.js';
import type { MeterConfig } from '../config/gateway-config.js';

export interface OpenedMeter {
  driver: MeterDriver;
  simulator?: RunningSimulator;
  close(): Promise<void>;
}

export type MeterOpener = (m: MeterConfig, clock: Clock) => Promise<OpenedMeter>;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as import('node:net').AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A socat pty pair (the same approach as test/helpers/pty-pair.ts, which lives under test/). */
async function ptyPair(): Promise<{ a: string; b: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-demo-pty-'));
  const a = join(dir, 'sim');
  const b = join(dir, 'drv');
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new TransportError('pty', `socat did not open a pty pair in 5 s: ${log}`)), 5000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new TransportError('pty', `cannot start socat for the simulated serial meter (apt-get install socat): ${e.message}`));
    });
    child.stderr!.on('data', (c: Buffer) => {
      log += c.toString();
      if (log.includes('starting data transfer loop') && existsSync(a) && existsSync(b)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.stderr!.resume();
  return {
    a,
    b,
    close: async () => {
      if (child.exitCode === null) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const openCatalogMeter: MeterOpener = async (m, clock) => {
  const entry = catalogEntry(m.model);
  let conn: ConnectionSpec = m.connection;
  let simulator: RunningSimulator | undefined;
  let pty: { close(): Promise<void> } | undefined;
  if (m.simulate) {
    if ('tcp' in conn && /:0$/.test(conn.tcp)) {
      const host = conn.tcp.slice(0, conn.tcp.lastIndexOf(':'));
      const port = await freePort();
      conn = { tcp: `${host}:${port}` };
      simulator = await entry.startSimulator({ listen: conn, unit: m.unit, clock, profile: m.simulate.profile, ratingW: m.simulate.ratingW, board: m.board });
    } else if ('serial' in conn && conn.serial === 'auto') {
      const pair = await ptyPair();
      pty = pair;
      const line = entry.defaultLine ?? { baud: 9600, parity: 'none' as const, dataBits: 8 as const, stopBits: 1 as const };
      simulator = await entry.startSimulator({ listen: { serial: pair.a, ...line }, unit: m.unit, clock, profile: m.simulate.profile, ratingW: m.simulate.ratingW, board: m.board });
      conn = { serial: pair.b, ...line };
    } else {
      simulator = await entry.startSimulator({ listen: conn, unit: m.unit, clock, profile: m.simulate.profile, ratingW: m.simulate.ratingW, board: m.board });
    }
  }
  let driver: MeterDriver;
  try {
    driver = await entry.openDriver(conn, { unit: m.unit, clock, board: m.board });
  } catch (err) {
    await simulator?.close();
    await pty?.close();
    throw err;
  }
  return {
    driver,
    simulator,
    async close() {
      await driver.close().catch(() => {});
      await simulator?.close().catch(() => {});
      await pty?.close();
    },
  };
};
