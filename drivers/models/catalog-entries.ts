// Modbus meters (SDM630, SDM120, EM340, B23): one catalog entry per declarative model, all served by the same
// generic driver and the same simulated register bank.
import type { CatalogEntry, ConnectionSpec, SimulatorOptions, RunningSimulator } from '../catalog.js';
import type { Clock } from '../clock.js';
import type { MeterDriver } from '../meter-driver.js';
import { ConfigError } from '../errors.js';
import { physicalMeterFor } from '../sim/physical-meter.js';
import { openModbusClient } from '../modbus/open-client.js';
import { startModbusRtuServer } from '../modbus/rtu-server.js';
import { startModbusTcpServer } from '../modbus/tcp-server.js';
import { meterModels } from './meter-models.js';
import type { MeterModel } from './model-schema.js';
import { ModbusMeterDriver } from './modbus-meter-driver.js';
import { SimulatedBank } from './simulated-bank.js';
import { simSerialPath } from '../sim/socat-pty.js';

/** Parses "host:port" (port 0 lets the system choose, for tests). */
export function parseHostPort(text: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new ConfigError('tcp-address', `"${text}" is not host:port; expected e.g. 127.0.0.1:1502`);
  return { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port };
}

/** Fills a serial connection's missing line settings with the model's defaults. */
export function withModelLine(model: MeterModel, conn: ConnectionSpec): ConnectionSpec {
  if ('tcp' in conn) return conn;
  const d = model.defaultLine;
  return { ...conn, baud: conn.baud ?? d.baud, parity: conn.parity ?? d.parity, dataBits: conn.dataBits ?? d.dataBits, stopBits: conn.stopBits ?? d.stopBits };
}

export async function openModelDriver(model: MeterModel, conn: ConnectionSpec, opts: { unit?: number; clock: Clock; timeoutMs?: number }): Promise<MeterDriver> {
  const client = await openModbusClient(withModelLine(model, conn), { clock: opts.clock, timeoutMs: opts.timeoutMs });
  try {
    return new ModbusMeterDriver({ client, model, unit: opts.unit ?? 1, clock: opts.clock });
  } catch (e) {
    await client.close();
    throw e;
  }
}

export async function startModelSimulator(model: MeterModel, opts: SimulatorOptions): Promise<RunningSimulator> {
  const physical = physicalMeterFor(opts, model.phases);
  const unit = opts.unit ?? 1;
  const bank = new SimulatedBank(model, physical, { unit, faults: opts.faults });
  const listen = withModelLine(model, opts.listen);
  const pty = 'serial' in listen ? await simSerialPath(listen.serial) : null;
  let server;
  try {
    server =
      'tcp' in listen
        ? await startModbusTcpServer({ ...parseHostPort(listen.tcp), bank, unitIds: [unit], faults: opts.faults, random: opts.random })
        : await startModbusRtuServer({
            path: pty!.simPath,
            line: { baud: listen.baud!, parity: listen.parity!, dataBits: listen.dataBits!, stopBits: listen.stopBits! },
            bank,
            unitIds: [unit],
            faults: opts.faults,
            wireTiming: opts.wireTiming ?? true,
            random: opts.random,
          });
  } catch (e) {
    await pty?.close();
    throw e;
  }
  const running = server;
  return {
    physical,
    address: pty ? pty.clientPath : running.address,
    setFaults(f) {
      bank.setFaults(f);
      running.setFaults(f);
    },
    resetRegisters() {
      physical.setRegisters(0, 0);
    },
    async close() {
      await running.close();
      await pty?.close();
    },
  };
}

export function modelCatalogEntry(model: MeterModel): CatalogEntry {
  return {
    id: model.id,
    vendor: model.vendor,
    model: model.model,
    description: model.description,
    transport: 'modbus',
    phases: model.phases,
    defaultLine: model.defaultLine,
    openDriver: (conn, opts) => openModelDriver(model, conn, opts),
    startSimulator: (opts) => startModelSimulator(model, opts),
  };
}

export const modbusCatalogEntries: CatalogEntry[] = meterModels.map(modelCatalogEntry);
