// The one interface between drivers and the gateway runtime (cf. EVerest's powermeter interface):
// the runtime knows no meter model, only samples of integer energy registers and instantaneous values.
import type { Rational } from './rational.js';

export type EnergyDirection = 'import' | 'export';

/** A cumulative energy register exactly as the meter holds it. */
export interface EnergyRegister {
  /** Integer count in the meter's own resolution (never a float). */
  value: bigint;
  /** Watt-hours per count, exact (e.g. 10 Wh for 0.01 kWh, 1000/3304.61127328 Wh for a BL0942 pulse). */
  whPerCount: Rational;
  /** Width of the hardware counter in bits when it wraps (24 for BL0942 CF_CNT, 16 for CSE7766), else null. */
  counterBits: number | null;
  /**
   * For registers decoded from float32: the Wh the float can still resolve at this magnitude
   * (its unit in the last place). Null for integer registers.
   */
  floatUlpWh: number | null;
  /** Register read-and-clear on the chip: value is then a delta the driver has already accumulated. */
  accumulatedByDriver?: boolean;
}

export interface InstantValues {
  /** Per phase, volts. */
  voltageV?: number[];
  /** Per phase, amperes. */
  currentA?: number[];
  /** Total active power, watts, positive = import (into the asset). */
  powerW?: number;
  /** Per-phase active power, watts. */
  phasePowerW?: number[];
  /** Total power factor, signed (negative = leading/capacitive where the meter reports it). */
  powerFactor?: number;
  /** Per-phase power factor. */
  phasePowerFactor?: number[];
  /** Per-phase voltage angles in degrees (L1 = 0), where the meter reports them: phase rotation checks. */
  phaseAngleDeg?: number[];
  frequencyHz?: number;
}

/** A register the meter gave no value for in this sample, named by register (never by its raw bits). */
export interface UnavailableValue {
  /** The quantity the register holds, e.g. "power_l2" or "energy_export". */
  name: string;
  /** Register address (0-based Modbus PDU address). */
  address: number;
  /** not-available: the meter's own "no value" pattern (ABB all-ones / 0x7FFF..); not-a-number, infinite: a float's NaN / Inf. */
  reason: 'not-available' | 'not-a-number' | 'infinite';
}

export interface MeterSample {
  /**
   * Clock time (ms since epoch) at which the reply carrying the energy registers arrived, taken by the driver or its
   * transport at that moment, not after the rest of the read (docs/gateway-operation.md, "When a reading is stamped").
   */
  at: number;
  energy: Partial<Record<EnergyDirection, EnergyRegister>>;
  /**
   * A counter of energy in both directions (|E|), for chips that have no separate import and export registers
   * (BL0942 with CF_CNT_ADD_SEL = 1, its reset default). The runtime splits its advances into import and export by
   * the sign of `instant.powerW` (device/settlement/direction-split.ts).
   */
  absoluteEnergy?: EnergyRegister;
  instant: InstantValues;
  /**
   * Registers that gave no value this time. Their quantity is left out of `energy`/`instant` (never 0); every other
   * register of the sample was read and is used. Absent on drivers that cannot tell.
   */
  unavailable?: UnavailableValue[];
  /** Frame/CRC errors and retries seen while taking this sample (for the error-rate alarm). */
  frameErrors: number;
  retries: number;
}

export interface MeterIdentity {
  vendor: string;
  model: string;
  serial?: string;
  firmware?: string;
}

export interface MeterDriver {
  readonly modelId: string;
  /** One complete read of the energy registers and instantaneous values. Throws a named AmsgateError on failure. */
  sample(): Promise<MeterSample>;
  /** Reads serial number/firmware where the model exposes them. */
  identify(): Promise<MeterIdentity>;
  close(): Promise<void>;
}

/** Every energy register of a sample by name ("import", "export", "absolute"), for display and JSON. */
export function energyRegisters(s: MeterSample): [string, EnergyRegister][] {
  const out = Object.entries(s.energy).filter((e): e is [string, EnergyRegister] => e[1] !== undefined);
  if (s.absoluteEnergy) out.push(['absolute', s.absoluteEnergy]);
  return out;
}

/**
 * The register that counts `direction` while the power flows that way: the direction's own register, else a
 * both-directions counter. For measurements made under a known flow (bench points, proving tests, commissioning
 * observations); the gateway's settlement splits a both-directions counter by the sign of power instead.
 */
export function registerWhileFlowing(s: MeterSample, direction: EnergyDirection): EnergyRegister | undefined {
  return s.energy[direction] ?? s.absoluteEnergy;
}
