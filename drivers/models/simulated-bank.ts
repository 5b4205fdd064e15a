// A simulator's register bank: encodes a PhysicalMeter's state as the meter's datasheet lays it out
// (register-sheets.ts, written apart from the driver's model, never the driver's own scale), at the addresses the
// model's map makes readable. Model-level faults live here (frozen registers, a forced exception); line faults
// (CRC, timeouts, garbage) live in the transport.
import type { FaultSpec } from '../catalog.js';
import type { ReadFunctionCode, RegisterBank } from '../modbus-client.js';
import type { PhysicalMeter, PhysicalState } from '../sim/physical-meter.js';
import { REGISTER_WIDTH, type MeterModel, type Quantity, type RegisterDef } from './model-schema.js';
import { REGISTER_SHEETS, type RegisterSheet } from './register-sheets.js';
import { encodeEnergy, encodeInstant, sheetFromModel } from './sheet-encoding.js';

export const MODBUS_EXCEPTION = {
  illegalFunction: 1,
  illegalAddress: 2,
  illegalValue: 3,
  /** Used for a unit this bank does not serve (a TCP gateway's "target device failed to respond"). */
  gatewayTargetNoResponse: 11,
} as const;

export interface SimulatedBankOptions {
  unit?: number;
  faults?: FaultSpec;
  /** Value of a `serial` register, if the model has one. */
  serialNumber?: number;
  /** How the meter lays its registers out; default the shipped datasheet table of the model id, else the model's own map. */
  sheet?: RegisterSheet;
}

/** The datasheet table a simulator of `model` speaks. */
export function sheetFor(model: MeterModel): RegisterSheet {
  return REGISTER_SHEETS[model.id] ?? sheetFromModel(model);
}

/** The value a quantity takes in a physical state, in the register's unit. */
function valueOf(q: Quantity, s: PhysicalState, serial: number): number {
  const phase = Number(/_l(\d)$/.exec(q)?.[1] ?? 1) - 1;
  switch (q) {
    case 'voltage_l1': case 'voltage_l2': case 'voltage_l3': return s.voltageV[phase] ?? 0;
    case 'current_l1': case 'current_l2': case 'current_l3': return s.currentA[phase] ?? 0;
    case 'power_l1': case 'power_l2': case 'power_l3': return s.phasePowerW[phase] ?? 0;
    case 'power_total': return s.powerW;
    case 'pf_l1': case 'pf_l2': case 'pf_l3': case 'pf_total': return s.powerFactor;
    case 'frequency': return s.frequencyHz;
    case 'phase_angle_l1': case 'phase_angle_l2': case 'phase_angle_l3': return s.phaseAngleDeg[phase] ?? 0;
    case 'energy_import': return s.importWh;
    case 'energy_export': return s.exportWh;
    case 'serial': return serial;
  }
}

/** Encodes every quantity of `sheet` for one physical state (pure); a quantity it lacks (serial) from the model. */
export function encodeState(model: MeterModel, s: PhysicalState, serialNumber = 12345678, sheet: RegisterSheet = sheetFor(model)): Map<number, number> {
  const image = new Map<number, number>();
  const own = sheetFromModel(model);
  for (const def of model.registers) {
    const e = sheet[def.quantity] ?? own[def.quantity]!;
    const v = valueOf(def.quantity, s, serialNumber);
    const words = e.energyUnit ? encodeEnergy(e, v) : encodeInstant(e, v);
    words.forEach((w, k) => image.set(e.address + k, w));
  }
  return image;
}

/** Addresses a real meter would answer: mapped registers plus the gaps the planner may bridge, minus holes. */
export function readableAddresses(model: MeterModel): Set<number> {
  const inHole = (a: number) => model.holes.some((h) => a >= h.from && a <= h.to);
  const sorted = [...model.registers].sort((a, b) => a.address - b.address);
  const out = new Set<number>();
  sorted.forEach((r: RegisterDef, i) => {
    const end = r.address + REGISTER_WIDTH[r.type];
    for (let a = r.address; a < end; a++) out.add(a);
    const next = sorted[i + 1];
    if (next && next.address - end <= model.maxGap) {
      const gap = [];
      for (let a = end; a < next.address; a++) gap.push(a);
      if (!gap.some(inHole)) gap.forEach((a) => out.add(a));
    }
  });
  return out;
}

export class SimulatedBank implements RegisterBank {
  readonly unit: number;
  private faults: FaultSpec;
  private frozenImage: Map<number, number> | null = null;
  private readonly readable: Set<number>;
  private readonly serial: number;
  private readonly sheet: RegisterSheet;

  constructor(
    readonly model: MeterModel,
    private readonly physical: PhysicalMeter,
    o: SimulatedBankOptions = {},
  ) {
    this.unit = o.unit ?? 1;
    this.faults = {};
    this.serial = o.serialNumber ?? 12345678;
    this.sheet = o.sheet ?? sheetFor(model);
    this.readable = readableAddresses(model);
    this.setFaults(o.faults ?? {});
  }

  /** The unit ids this bank serves (same shape as MemoryRegisterBank.units). */
  get units(): readonly number[] {
    return [this.unit];
  }

  setFaults(faults: FaultSpec): void {
    this.faults = { ...faults };
    // A hung metering chip keeps showing what it last had.
    if (faults.frozen && !this.frozenImage) this.frozenImage = this.image();
    if (!faults.frozen) this.frozenImage = null;
  }

  /** Current register image (encodes the physical state now). */
  image(): Map<number, number> {
    return encodeState(this.model, this.physical.state(), this.serial, this.sheet);
  }

  read(unit: number, fc: ReadFunctionCode, address: number, count: number): Uint16Array | number {
    if (unit !== this.unit) return MODBUS_EXCEPTION.gatewayTargetNoResponse;
    if (this.faults.exceptionCode) return this.faults.exceptionCode;
    if (fc !== this.model.functionCode) return MODBUS_EXCEPTION.illegalAddress;
    if (!Number.isInteger(count) || count < 1 || count > 125) return MODBUS_EXCEPTION.illegalValue;
    for (let a = address; a < address + count; a++) if (!this.readable.has(a)) return MODBUS_EXCEPTION.illegalAddress;
    const image = this.frozenImage ?? this.image();
    const out = new Uint16Array(count);
    for (let k = 0; k < count; k++) out[k] = image.get(address + k) ?? 0;
    return out;
  }

  /** Metering registers are read-only. */
  write(unit: number): number {
    return unit !== this.unit ? MODBUS_EXCEPTION.gatewayTargetNoResponse : MODBUS_EXCEPTION.illegalAddress;
  }
}
