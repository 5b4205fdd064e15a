// Calibration registers of metering chips, in one table with their status (standards.md sections 4.6, 4.7),
// and the pure functions that turn corrections into new register values.
// Status tags: V-code = as implemented in widely used code; D = derived; U = unverified (check the datasheet).
import { ConfigError } from '../../drivers/errors.js';
import { ATM90E26_GAIN_UNITY as DRIVER_GAIN_UNITY, ATM90E26_LPHI_DEG_PER_LSB } from '../../drivers/uart/atm90e26/registers.js';

export type ChipId = 'atm90e26' | 'ade7953';

export interface RegisterInfo {
  name: string;
  address: number;
  bits: 16 | 24 | 32;
  addressStatus: 'V-code' | 'D' | 'U';
  /** How the value maps to a physical effect. */
  encoding: string;
  encodingStatus: 'V-code' | 'D' | 'U';
}

/**
 * Degrees of phase per LSB of the phase calibration register. ATM90E26: 0.001 as the project's ATM90E26
 * simulator models it (drivers/uart/atm90e26/registers.ts); ADE7953: 0.02. Both [U] against the datasheets.
 */
export const PHASE_DEG_PER_LSB: Record<ChipId, number> = { atm90e26: ATM90E26_LPHI_DEG_PER_LSB, ade7953: 0.02 };
/** Register value of unity gain for the ATM90E26 gains, from the driver's register table. [U] datasheet. */
export const ATM90E26_GAIN_UNITY = DRIVER_GAIN_UNITY;

export const CHIP_REGISTERS: Record<ChipId, Record<string, RegisterInfo>> = {
  atm90e26: {
    Lgain: { name: 'Lgain', address: 0x23, bits: 16, addressStatus: 'V-code', encoding: 'unsigned 16-bit, energy gain = Lgain / 0x8000', encodingStatus: 'U' },
    Lphi: { name: 'Lphi', address: 0x24, bits: 16, addressStatus: 'V-code', encoding: "two's complement, 0.001 degree per LSB; the chip's angle = true angle + its phase error - Lphi", encodingStatus: 'U' },
    Ugain: { name: 'Ugain', address: 0x31, bits: 16, addressStatus: 'V-code', encoding: 'unsigned, Urms gain = Ugain / 0x8000', encodingStatus: 'U' },
    IgainL: { name: 'IgainL', address: 0x32, bits: 16, addressStatus: 'V-code', encoding: 'unsigned, Irms gain = IgainL / 0x8000', encodingStatus: 'U' },
  },
  ade7953: {
    AWGAIN: { name: 'AWGAIN', address: 0x382, bits: 24, addressStatus: 'V-code', encoding: 'unsigned 24-bit, 0x400000 = unity, active power proportional', encodingStatus: 'V-code' },
    PHCALA: { name: 'PHCALA', address: 0x108, bits: 16, addressStatus: 'D', encoding: 'sign-magnitude (Tasmota), LSB = PHASE_DEG_PER_LSB', encodingStatus: 'U' },
  },
};

export const signMagnitude16 = {
  encode(x: number): number {
    const m = Math.min(0x7fff, Math.round(Math.abs(x)));
    return x < 0 && m !== 0 ? 0x8000 | m : m;
  },
  decode(v: number): number {
    return v & 0x8000 ? -(v & 0x7fff) : v & 0x7fff;
  },
};


const twos16 = {
  encode: (n: number): number => ((Math.round(n) % 0x10000) + 0x10000) % 0x10000,
  decode: (v: number): number => (v & 0x8000 ? v - 0x10000 : v),
};

/**
 * What a set of ATM90E26 registers does to energy: gain multiplier, and the phase shift Lphi subtracts
 * from the chip's angle (degrees). A chip with phase error d (it sees the current lagging phi - d) is
 * cancelled by Lphi = -d.
 */
export function atm90e26Effect(regs: { Lgain: number; Lphi: number }): { gain: number; lphiDeg: number } {
  return { gain: regs.Lgain / ATM90E26_GAIN_UNITY, lphiDeg: twos16.decode(regs.Lphi) * PHASE_DEG_PER_LSB.atm90e26 };
}

export interface RmsCheck {
  referenceV: number;
  measuredV: number;
  referenceA: number;
  measuredA: number;
}

export interface AtmRegisters {
  Lgain: number;
  Lphi: number;
  Ugain: number;
  IgainL: number;
}

/**
 * New ATM90E26 registers from the present ones: the energy gain is multiplied by gainFactor, Lphi moves by
 * -d (the measured phase error, corrections.ts convention), and the RMS gains scale by reference / measured.
 */
export function atm90e26NewRegisters(
  present: AtmRegisters,
  gainFactor: number,
  phaseErrorDeg: number | null,
  rms: RmsCheck | null,
): AtmRegisters {
  const scale = (v: number, f: number, name: string): number => {
    const n = Math.round(v * f);
    if (n < 1 || n > 0xffff) {
      throw new ConfigError('gain-range', `${name} 0x${v.toString(16)} x ${f.toFixed(5)} = ${n} is outside 1..65535; the error is too large for register calibration (check wiring and scaling)`);
    }
    return n;
  };
  const eff = atm90e26Effect(present);
  const lphiDeg = phaseErrorDeg === null ? eff.lphiDeg : eff.lphiDeg - phaseErrorDeg;
  const steps = Math.round(lphiDeg / PHASE_DEG_PER_LSB.atm90e26);
  if (steps < -0x8000 || steps > 0x7fff) throw new ConfigError('lphi-range', `phase correction ${lphiDeg.toFixed(3)} degrees is outside the Lphi range`);
  return {
    Lgain: scale(present.Lgain, gainFactor, 'Lgain'),
    Lphi: twos16.encode(steps),
    Ugain: rms && rms.measuredV > 0 ? scale(present.Ugain, rms.referenceV / rms.measuredV, 'Ugain') : present.Ugain,
    IgainL: rms && rms.measuredA > 0 ? scale(present.IgainL, rms.referenceA / rms.measuredA, 'IgainL') : present.IgainL,
  };
}

/** New ADE7953 channel A registers: AWGAIN scaled by gainFactor, PHCALA grows by the measured phase error. */
export function ade7953NewRegisters(present: { AWGAIN: number; PHCALA: number }, gainFactor: number, phaseErrorDeg: number | null): { AWGAIN: number; PHCALA: number } {
  const aw = Math.round(present.AWGAIN * gainFactor);
  if (aw < 1 || aw > 0xffffff) throw new ConfigError('awgain-range', `AWGAIN ${aw} is outside the 24-bit range`);
  const ph = signMagnitude16.decode(present.PHCALA) * PHASE_DEG_PER_LSB.ade7953 + (phaseErrorDeg ?? 0);
  return { AWGAIN: aw, PHCALA: signMagnitude16.encode(ph / PHASE_DEG_PER_LSB.ade7953) };
}
