// Every supported device, by model id. The runtime, `amsgate sim/read/discover` and the bench find
// drivers and simulators here and nowhere else.
import type { Clock } from './clock.js';
import type { MeterDriver } from './meter-driver.js';
import type { LoadProfileName } from './sim/load-profile.js';
import type { PhysicalMeter } from './sim/physical-meter.js';
import { modbusCatalogEntries } from './models/catalog-entries.js';
import { uartCatalogEntries } from './uart/catalog-entries.js';
import { ConfigError } from './errors.js';
import type { BoardChoice } from './uart/board-profile.js';

export type Parity = 'none' | 'even' | 'odd';

/** Where a device is: a TCP endpoint ("host:port") or a serial port. */
export type ConnectionSpec =
  | { tcp: string }
  | { serial: string; baud?: number; parity?: Parity; dataBits?: 7 | 8; stopBits?: 1 | 2 };

/** Faults a simulator can inject; rates are probabilities per request (0..1). */
export interface FaultSpec {
  crcErrorRate?: number;
  timeoutRate?: number;
  garbageRate?: number;
  /** Answer every request with this Modbus exception code (or the chip's equivalent refusal). */
  exceptionCode?: number;
  /** Registers stop changing (a hung metering chip). */
  frozen?: boolean;
}

export interface SimulatorOptions {
  listen: ConnectionSpec;
  unit?: number;
  clock: Clock;
  profile: LoadProfileName;
  /** Peak power of the profile in W. */
  ratingW?: number;
  faults?: FaultSpec;
  /** Start the energy registers here (Wh), e.g. just below a counter wrap. */
  initialImportWh?: number;
  initialExportWh?: number;
  /** Simulate bus timing (default true): reply after the wire time at the configured baud plus a turnaround. */
  wireTiming?: boolean;
  /** Meter error curve (fraction of true energy) for bench DUTs. */
  errorFraction?: (currentA: number, pf: number) => number;
  random?: () => number;
  /** UART chips: the simulated board (profile name plus overrides, see drivers/uart/board-profile.ts). */
  board?: BoardChoice;
}

export interface RunningSimulator {
  readonly physical: PhysicalMeter;
  /** Where it listens, e.g. "127.0.0.1:1502" or "/tmp/ptyA". */
  readonly address: string;
  /** Changes faults while running. */
  setFaults(faults: FaultSpec): void;
  /** Emulates a replaced meter: registers restart at zero. */
  resetRegisters(): void;
  close(): Promise<void>;
}

export interface CatalogEntry {
  id: string;
  vendor: string;
  model: string;
  description: string;
  transport: 'modbus' | 'uart' | 'iec62056';
  phases: 1 | 3;
  /** Default line settings for serial connections. */
  defaultLine?: { baud: number; parity: Parity; dataBits: 7 | 8; stopBits: 1 | 2 };
  openDriver(conn: ConnectionSpec, opts: { unit?: number; clock: Clock; board?: BoardChoice }): Promise<MeterDriver>;
  startSimulator(opts: SimulatorOptions): Promise<RunningSimulator>;
}

export const catalog: ReadonlyMap<string, CatalogEntry> = new Map(
  [...modbusCatalogEntries, ...uartCatalogEntries].map((e) => [e.id, e]),
);

export function catalogEntry(id: string): CatalogEntry {
  const e = catalog.get(id);
  if (!e) {
    throw new ConfigError('unknown-model', `unknown meter model "${id}"; known models: ${[...catalog.keys()].join(', ')}`);
  }
  return e;
}

export function parseConnection(opts: { tcp?: string; serial?: string; baud?: number; parity?: Parity }): ConnectionSpec {
  if (opts.tcp && opts.serial) throw new ConfigError('connection', 'give either --tcp host:port or --serial PATH, not both');
  if (opts.tcp) return { tcp: opts.tcp };
  if (opts.serial) return { serial: opts.serial, baud: opts.baud, parity: opts.parity };
  throw new ConfigError('connection', 'no connection: give --tcp host:port or --serial PATH');
}
