// Every supported device, by model id. The runtime, `amsgate sim/read/discover` and the bench find
// drivers and simulators here and nowhere else. Besides the built-in entries, Modbus models loaded from model files
// (`--model-file`, `meters[].modelFile`) are found here by their id once loaded.
import { resolve } from 'node:path';
import type { Clock } from './clock.js';
import type { MeterDriver } from './meter-driver.js';
import type { LoadProfileName } from './sim/load-profile.js';
import type { PhysicalMeter } from './sim/physical-meter.js';
import { modbusCatalogEntries, modelCatalogEntry } from './models/catalog-entries.js';
import { loadModelFile } from './models/model-file.js';
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
  /** A slow device: hold the reply back this many ms more (after the wire time); a client with a shorter timeout sees it late. */
  slowMs?: number;
  /** Probability per reply that `slowMs` applies (default 1: every reply). */
  slowRate?: number;
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
  /** Streaming chips (CSE7766): pause between frames, ms (default the chip's 50; 0 fills an unread line at once). */
  frameIntervalMs?: number;
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
  /** timeoutMs: answer timeout per request (Modbus and the UART chips; IEC 62056-21 sizes its own from the baud). */
  openDriver(conn: ConnectionSpec, opts: { unit?: number; clock: Clock; timeoutMs?: number; board?: BoardChoice }): Promise<MeterDriver>;
  startSimulator(opts: SimulatorOptions): Promise<RunningSimulator>;
}

export const catalog: ReadonlyMap<string, CatalogEntry> = new Map(
  [...modbusCatalogEntries, ...uartCatalogEntries].map((e) => [e.id, e]),
);

/** Models loaded from files, by id (with the file they came from). */
const fromFiles = new Map<string, { path: string; entry: CatalogEntry }>();

/**
 * Loads a model file and makes its model a catalog entry like any built-in one. Its id must not be a built-in id,
 * nor that of another file already loaded (the same file may be loaded again: it replaces its entry).
 */
export function catalogEntryFromFile(path: string): CatalogEntry {
  const abs = resolve(path);
  const model = loadModelFile(abs);
  if (catalog.has(model.id)) {
    throw new ConfigError('model-file', `model file ${path}: id "${model.id}" is a built-in model; give the file's model an id of its own, or use --model ${model.id}`);
  }
  const prior = fromFiles.get(model.id);
  if (prior && prior.path !== abs) throw new ConfigError('model-file', `model file ${path}: id "${model.id}" is already defined by ${prior.path}`);
  const entry = modelCatalogEntry(model);
  fromFiles.set(model.id, { path: abs, entry });
  return entry;
}

/**
 * Forgets every loaded model file, as a new process starts. For a host that runs several commands in one process
 * (the in-process command runner of the tests): one command's file must not claim its id for the next.
 */
export function forgetModelFiles(): void {
  fromFiles.clear();
}

/** The entry of a built-in or loaded model, or undefined. */
export function findCatalogEntry(id: string): CatalogEntry | undefined {
  return catalog.get(id) ?? fromFiles.get(id)?.entry;
}

export function catalogEntry(id: string): CatalogEntry {
  const e = findCatalogEntry(id);
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
