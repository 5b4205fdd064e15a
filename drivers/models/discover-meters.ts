// Scans line settings x unit ids x known models for meters that answer plausibly (used by `amsgate discover`).
import type { ConnectionSpec } from '../catalog.js';
import type { Clock } from '../clock.js';
import { openModbusClient } from '../modbus/open-client.js';
import { meterModels } from './meter-models.js';
import type { MeterModel } from './model-schema.js';
import { probeModel, probeOrder } from './probe-model.js';

export interface FoundMeter {
  model: string;
  vendor: string;
  name: string;
  unit: number;
  connection: ConnectionSpec;
  voltageV?: number;
}

export interface DiscoverOptions {
  /** Connections to try in order (one per line setting for a serial port). */
  lines: ConnectionSpec[];
  units: number[];
  clock: Clock;
  /** Answer timeout per probe, ms. */
  timeoutMs: number;
  /** Keep trying later line settings after meters were found on one. */
  allLines?: boolean;
  models?: readonly MeterModel[];
  onProgress?: (conn: ConnectionSpec, unit: number, model: MeterModel) => void;
}

export async function discoverMeters(o: DiscoverOptions): Promise<{ found: FoundMeter[]; probes: number }> {
  const models = probeOrder(o.models ?? meterModels);
  const found: FoundMeter[] = [];
  let probes = 0;
  for (const conn of o.lines) {
    // No retries and no back-off: a silent unit must cost one timeout, not several.
    const client = await openModbusClient(conn, { clock: o.clock, timeoutMs: o.timeoutMs, retries: 0, backoff: { deadAfter: 1_000_000 } });
    const before = found.length;
    try {
      for (const unit of o.units) {
        for (const model of models) {
          o.onProgress?.(conn, unit, model);
          probes++;
          const r = await probeModel(client, model, unit);
          if (r.match) {
            found.push({ model: model.id, vendor: model.vendor, name: model.model, unit, connection: conn, voltageV: r.values.voltage_l1 });
            break;
          }
          // Nothing (intact) answered: no model will do better at this unit and line setting.
          if (r.reason === 'silent' || r.reason === 'garbled') break;
        }
      }
    } finally {
      await client.close();
    }
    // A bus runs at one line setting: once meters answer, the other settings need not be tried.
    if (found.length > before && !o.allLines) break;
  }
  return { found, probes };
}

/** Standard Modbus-over-serial rates an installer may have set a meter to. */
export const STANDARD_BAUDS: readonly number[] = [1200, 2400, 4800, 9600, 19200, 38400];

/**
 * The line settings `discover` tries when none are given: first each model's factory setting (a meter out of the
 * box, the most likely), the most common first; then every standard rate at each parity the models use.
 */
export function defaultDiscoverLines(serial: string, models: readonly MeterModel[] = meterModels): ConnectionSpec[] {
  const seen = new Map<string, { line: MeterModel['defaultLine']; n: number; first: number }>();
  models.forEach((m, i) => {
    const l = m.defaultLine;
    const k = `${l.baud}/${l.parity}/${l.dataBits}/${l.stopBits}`;
    const e = seen.get(k);
    if (e) e.n++;
    else seen.set(k, { line: l, n: 1, first: i });
  });
  const factory = [...seen.values()].sort((a, b) => b.n - a.n || a.first - b.first).map((e) => e.line);
  const parities = [...new Set(factory.map((l) => l.parity))];
  const out: ConnectionSpec[] = factory.map((l) => ({ serial, ...l }));
  const has = (baud: number, parity: string) => out.some((c) => 'serial' in c && c.baud === baud && c.parity === parity);
  for (const baud of STANDARD_BAUDS) {
    for (const parity of parities) {
      if (!has(baud, parity)) out.push({ serial, baud, parity, dataBits: 8, stopBits: 1 });
    }
  }
  return out;
}

/** Worst-case number of probe reads, for the time estimate shown before a scan. */
export function worstCaseProbes(lines: number, units: number, models: readonly MeterModel[] = meterModels): number {
  return lines * units * models.reduce((n, m) => n + m.probe.length, 0);
}
