// The bench source by dialect: the project's combined SCPI source, or a Keysight AC6800B-series AC source
// (voltage, frequency) paired with a phantom load in the project's dialect (current, angle). For simulation,
// the matching simulators served on socat pty pairs.
import { ConfigError } from '../../drivers/errors.js';
import { Ac6800Source } from '../instruments/ac6800-source.js';
import type { BenchSource } from '../instruments/instrument-types.js';
import { PhantomLoad } from '../instruments/phantom-load.js';
import { ScpiSource } from '../instruments/scpi-source.js';
import { SplitSource } from '../instruments/split-source.js';
import type { Plan } from '../plan/plan-schema.js';
import { Ac6800CommandHandler } from '../sim/ac6800-command-handler.js';
import type { BenchLine } from '../sim/bench-line.js';
import { serveScpi } from '../sim/scpi-serial-server.js';
import { socatPair } from '../sim/socat-pty.js';
import { SourceCommandHandler } from '../sim/source-command-handler.js';
import type { SOURCE_DIALECTS } from './bench-setup-file.js';

export type SourceDialect = (typeof SOURCE_DIALECTS)[number];

/** Refuses, before anything is opened, a plan the dialect cannot drive. */
export function checkSourceDialect(plan: Plan, dialect: SourceDialect): void {
  if (dialect !== 'keysight-ac6800b') return;
  if (plan.device.supply !== 'ac') throw new ConfigError('source-dialect', 'source dialect keysight-ac6800b drives a.c. plans only (this plan is d.c.); use the amsgate-scpi source');
  if (plan.device.phases !== 1) throw new ConfigError('source-dialect', 'source dialect keysight-ac6800b is a single-phase AC source (this plan has 3 phases); use the amsgate-scpi source');
}

export interface SourcePorts {
  source: string;
  /** The phantom load's port (needed with keysight-ac6800b). */
  load?: string;
  baudRate?: number;
}

export async function openSource(dialect: SourceDialect, p: SourcePorts): Promise<BenchSource> {
  if (dialect === 'amsgate-scpi') return ScpiSource.open({ path: p.source, baudRate: p.baudRate });
  if (!p.load) throw new ConfigError('source-dialect', 'source dialect keysight-ac6800b sets only the voltage: give the phantom load as load: {port: ...} in the setup file');
  const voltage = await Ac6800Source.open({ path: p.source, baudRate: p.baudRate });
  try {
    return new SplitSource(voltage, await PhantomLoad.open({ path: p.load, baudRate: p.baudRate }));
  } catch (e) {
    await voltage.close();
    throw e;
  }
}

/** Serves the simulated source (and load) for the dialect on pty pairs; returns the driver ends. */
export async function serveSimulatedSource(line: BenchLine, dialect: SourceDialect): Promise<{ ports: SourcePorts; describe: string; close: () => Promise<void> }> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
  };
  try {
    const src = await socatPair('source');
    closers.push(src.close);
    if (dialect === 'amsgate-scpi') {
      closers.push((await serveScpi(src.server, new SourceCommandHandler(line))).close);
      return { ports: { source: src.client }, describe: `source ${src.client}`, close };
    }
    closers.push((await serveScpi(src.server, new Ac6800CommandHandler(line))).close);
    const load = await socatPair('load');
    closers.push(load.close);
    closers.push((await serveScpi(load.server, new SourceCommandHandler(line, 'AMSGATE,LOAD-SIM,0003,1.0', undefined, 'current'))).close);
    return { ports: { source: src.client, load: load.client }, describe: `AC source (keysight-ac6800b) ${src.client}, phantom load ${load.client}`, close };
  } catch (e) {
    await close();
    throw e;
  }
}
