// The one driver for every declarative Modbus meter model: plan the reads once, then each sample() reads every
// planned block, decodes, and either returns a complete fresh sample or throws. It never returns old values.
// The blocks holding energy registers are read first, and the sample is stamped with the time the last of their
// replies arrived: the later instantaneous blocks never delay the stamp (issue 9: under load the stamp taken after
// the whole read lagged the energy, and the boundary apportioning put energy in the wrong half-hour).
import type { Clock } from '../clock.js';
import type { MeterDriver, MeterIdentity, MeterSample } from '../meter-driver.js';
import type { ModbusClient } from '../modbus-client.js';
import { ConfigError, DeviceError, FrameError } from '../errors.js';
import { planReads, type PlannedRead } from '../planner/plan-reads.js';
import { decodeSample, sampleRegisters } from './decode-sample.js';
import { REGISTER_WIDTH, type MeterModel, type Quantity } from './model-schema.js';
import { decodeExact } from './register-codec.js';

export interface ModbusMeterDriverOptions {
  client: ModbusClient;
  model: MeterModel;
  /** Modbus unit (slave) id, 1..247 (0 is broadcast and never answers). */
  unit: number;
  clock: Clock;
  /** Read only these quantities (e.g. energy alone at a high rate); default every register but `serial`. */
  quantities?: readonly Quantity[];
}

/** A planned read, and whether its reply carries an energy register (the sample's time comes from those replies). */
export interface SampleRead extends PlannedRead {
  energy: boolean;
}

/** The reads one sample of `model` takes, in order: those carrying energy registers first, each group by address. */
export function planForModel(model: MeterModel): SampleRead[] {
  const wanted = sampleRegisters(model);
  const reads = planReads(
    wanted.map((r) => ({ address: r.address, count: REGISTER_WIDTH[r.type] })),
    { functionCode: model.functionCode, maxCount: model.maxRegistersPerRead, maxGap: model.maxGap, holes: model.holes },
  ).map((r) => ({ ...r, energy: r.covers.some((i) => wanted[i]!.quantity.startsWith('energy_')) }));
  return [...reads.filter((r) => r.energy), ...reads.filter((r) => !r.energy)];
}

export class ModbusMeterDriver implements MeterDriver {
  readonly modelId: string;
  readonly plan: readonly SampleRead[];
  /** The model restricted to the quantities this driver reads. */
  private readonly sampled: MeterModel;

  constructor(private readonly o: ModbusMeterDriverOptions) {
    if (!Number.isInteger(o.unit) || o.unit < 1 || o.unit > 247) {
      throw new DeviceError('unit', `Modbus unit is ${o.unit}; expected an integer 1..247`);
    }
    this.modelId = o.model.id;
    const only = o.quantities;
    if (only) {
      const missing = only.filter((q) => !o.model.registers.some((r) => r.quantity === q));
      if (missing.length) throw new ConfigError('quantities', `${o.model.id} has no register for ${missing.join(', ')}`);
    }
    this.sampled = only ? { ...o.model, registers: o.model.registers.filter((r) => only.includes(r.quantity)) } : o.model;
    this.plan = planForModel(this.sampled);
  }

  async sample(): Promise<MeterSample> {
    const { client, unit, clock } = this.o;
    const model = this.sampled;
    const before = client.stats();
    const image = new Map<number, number>();
    let at: number | null = null;
    for (const r of this.plan) {
      const { registers: words, receivedAt } = await client.readRegistersStamped(unit, r.functionCode, r.address, r.count);
      if (words.length !== r.count) {
        throw new FrameError('short-read', `read of ${r.count} registers at 0x${r.address.toString(16)} returned ${words.length}`);
      }
      words.forEach((w, k) => image.set(r.address + k, w));
      if (r.energy) at = receivedAt;
    }
    // A reading restricted to instantaneous quantities has no energy reply: it is stamped when the read completed.
    at ??= clock.now();
    const decoded = decodeSample(model, image);
    const after = client.stats();
    return {
      at,
      energy: decoded.energy,
      instant: decoded.instant,
      unavailable: decoded.unavailable,
      frameErrors: after.frameErrors - before.frameErrors,
      retries: after.retries - before.retries,
    };
  }

  async identify(): Promise<MeterIdentity> {
    const { client, model, unit } = this.o;
    const id: MeterIdentity = { vendor: model.vendor, model: model.model };
    const serial = model.registers.find((r) => r.quantity === 'serial');
    if (serial) {
      const words = await client.readRegisters(unit, model.functionCode, serial.address, REGISTER_WIDTH[serial.type]);
      const v = decodeExact(serial, words, model.notAvailableSentinels === true);
      id.serial = (v.num / v.den).toString();
    }
    return id;
  }

  close(): Promise<void> {
    return this.o.client.close();
  }
}
