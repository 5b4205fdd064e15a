// The one way drivers get a Modbus transport from a ConnectionSpec. Each serial port is a bus that
// carries one transaction at a time, so every meter on the same path shares one RtuClient (and its
// queue); different paths are independent buses and run in parallel. TCP endpoints are shared the same
// way, because many meters and gateways accept only one connection.
import { realpathSync } from 'node:fs';
import type { ConnectionSpec } from '../catalog.js';
import type { Clock } from '../clock.js';
import { ConfigError } from '../errors.js';
import type { ModbusClient, ReadFunctionCode } from '../modbus-client.js';
import type { LineSettings } from '../sim/wire-timing.js';
import type { ModbusStats } from './client-stats.js';
import { RtuClient } from './rtu-client.js';
import { parseTcpAddress, TcpClient } from './tcp-client.js';
import type { BackoffPolicy } from './unit-health.js';

export interface OpenClientOptions {
  clock: Clock;
  /** Response timeout in ms (RTU default 300 plus wire time; TCP default 1000). The first opener of a shared bus sets it. */
  timeoutMs?: number;
  retries?: number;
  backoff?: Partial<BackoffPolicy>;
}

/** Line settings a serial ConnectionSpec leaves out: 9600 8N1, the usual meter default. */
export const DEFAULT_LINE: LineSettings = { baud: 9600, dataBits: 8, parity: 'none', stopBits: 1 };

type Shared = { client: RtuClient | TcpClient; refs: number; line?: LineSettings; closing: boolean };
const shared = new Map<string, Promise<Shared>>();

const sameLine = (a: LineSettings, b: LineSettings) =>
  a.baud === b.baud && a.dataBits === b.dataBits && a.parity === b.parity && a.stopBits === b.stopBits;
const lineText = (l: LineSettings) => `${l.baud} ${l.dataBits}${l.parity[0]!.toUpperCase()}${l.stopBits}`;

function canonicalPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path; // opening will report the missing device
  }
}

export async function openModbusClient(conn: ConnectionSpec, opts: OpenClientOptions): Promise<ModbusClient & { stats(): ModbusStats }> {
  let key: string;
  let line: LineSettings | undefined;
  let create: () => Promise<RtuClient | TcpClient>;
  if ('tcp' in conn) {
    const { host, port } = parseTcpAddress(conn.tcp);
    key = `tcp:${host}:${port}`;
    create = async () => new TcpClient({ host, port, clock: opts.clock, timeoutMs: opts.timeoutMs, retries: opts.retries, backoff: opts.backoff });
  } else if ('serial' in conn && typeof conn.serial === 'string' && conn.serial.length > 0) {
    line = {
      baud: conn.baud ?? DEFAULT_LINE.baud,
      dataBits: conn.dataBits ?? DEFAULT_LINE.dataBits,
      parity: conn.parity ?? DEFAULT_LINE.parity,
      stopBits: conn.stopBits ?? DEFAULT_LINE.stopBits,
    };
    const path = canonicalPath(conn.serial);
    key = `serial:${path}`;
    const l = line;
    create = () => RtuClient.open({ path: conn.serial, line: l, clock: opts.clock, timeoutMs: opts.timeoutMs, retries: opts.retries, backoff: opts.backoff });
  } else {
    throw new ConfigError('connection', 'connection has neither "tcp" nor "serial"; expected { tcp: "host:port" } or { serial: "/dev/ttyUSB0" }');
  }

  let entry = shared.get(key);
  if (!entry) {
    entry = create().then((client) => ({ client, refs: 0, line, closing: false }));
    shared.set(key, entry);
    entry.catch(() => shared.delete(key));
  }
  const s = await entry;
  // The last handle closed while we waited for the shared open: open a fresh client instead.
  if (s.closing) return openModbusClient(conn, opts);
  if (line && s.line && !sameLine(line, s.line)) {
    throw new ConfigError(
      'serial-line',
      `serial port ${key.slice(7)} is already open at ${lineText(s.line)}; expected every meter on one bus to use the same line settings, got ${lineText(line)}`,
    );
  }
  s.refs++;
  let closed = false;
  const c = s.client;
  return {
    readRegisters: (unit: number, fc: ReadFunctionCode, address: number, count: number) => c.readRegisters(unit, fc, address, count),
    readRegistersStamped: (unit: number, fc: ReadFunctionCode, address: number, count: number) => c.readRegistersStamped(unit, fc, address, count),
    writeRegister: (unit: number, address: number, value: number) => c.writeRegister(unit, address, value),
    writeRegisters: (unit: number, address: number, values: readonly number[]) => c.writeRegisters(unit, address, values),
    /** Counters of the whole bus (shared by every handle on it). */
    stats: () => c.stats(),
    async close() {
      if (closed) return;
      closed = true;
      if (--s.refs === 0) {
        s.closing = true;
        if (shared.get(key) === entry) shared.delete(key);
        await c.close();
      }
    },
  };
}
