// Calibration registers of metering chips, in one table with their status (standards.md sections 4.6, 4.7),
// and the pure functions that turn corrections into new register values.
// Status tags: V-code = as implemented in widely used code; D = derived; U = unverified (check the datasheet).
import { ConfigError } from '../../drivers/errors.js';

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

/** Degrees of phase per LSB of the phase calibration register. [U] for both chips: check the datasheet. */
export const PHASE_DEG_PER_LSB: Record<ChipId, number> = { atm90e26: 0.02, ade7953: 0.02 };

export const CHIP_REGISTERS: Record<ChipId, Record<string, RegisterInfo>> = {
  atm90e26: {
    Lgain: { name: 'Lgain', address: 0x23, bits: 16, addressStatus: 'V-code', encoding: 'signed 16-bit, energy gain = 1 + Lgain / 2^15', encodingStatus: 'U' },
    Lphi: { name: 'Lphi', address: 0x24, bits: 16, addressStatus: 'V-code', encoding: 'sign-magnitude (bit 15 = sign), delay = magnitude x PHASE_DEG_PER_LSB, positive advances the current channel', encodingStatus: 'U' },
    Ugain: { name: 'Ugain', address: 0x31, bits: 16, addressStatus: 'V-code', encoding: 'unsigned, Urms proportional to Ugain', encodingStatus: 'U' },
    IgainL: { name: 'IgainL', address: 0x32, bits: 16, addressStatus: 'V-code', encoding: 'unsigned, Irms proportional to IgainL', encodingStatus: 'U' },
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

const toSigned16 = (v: number): number => (v & 0x8000 ? v - 0x10000 : v);
const toU16 = (x: number): number => ((x % 0x10000) + 0x10000) % 0x10000;

/** Energy gain factor and phase correction a set of ATM90E26 registers applies. */
export function atm90e26Effect(regs: { Lgain: number; Lphi: number }): { gain: number; phaseDeg: number } {
  return { gain: 1 + toSigned16(regs.Lgain) / 0x8000, phaseDeg: signMagnitude16.decode(regs.Lphi) * PHASE_DEG_PER_LSB.atm90e26 };
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
 * New ATM90E26 registers from the present ones: the energy gain is multiplied by gainFactor, the phase
 * correction grows by the measured phase error d (a correction of d cancels an error d: the chip sees
 * phi - d + correction), and the RMS gains scale by reference / measured.
 */
export function atm90e26NewRegisters(
  present: AtmRegisters,
  gainFactor: number,
  phaseErrorDeg: number | null,
  rms: RmsCheck | null,
): AtmRegisters {
  const eff = atm90e26Effect(present);
  const newGain = eff.gain * gainFactor;
  const lgain = Math.round((newGain - 1) * 0x8000);
  if (lgain < -0x8000 || lgain > 0x7fff) {
    throw new ConfigError('lgain-range', `gain correction x${gainFactor.toFixed(5)} needs Lgain ${lgain}, outside -32768..32767; the meter's error is too large for register calibration (check wiring and scaling)`);
  }
  const phase = phaseErrorDeg === null ? eff.phaseDeg : eff.phaseDeg + phaseErrorDeg;
  const lphiSteps = phase / PHASE_DEG_PER_LSB.atm90e26;
  if (Math.abs(lphiSteps) > 0x7fff) throw new ConfigError('lphi-range', `phase correction ${phase.toFixed(3)} degrees is outside the Lphi range`);
  const scale = (v: number, f: number, name: string): number => {
    const n = Math.round(v * f);
    if (n < 1 || n > 0xffff) throw new ConfigError('rms-gain-range', `${name} ${v} x ${f.toFixed(5)} = ${n} is outside 1..65535`);
    return n;
  };
  return {
    Lgain: toU16(lgain),
    Lphi: signMagnitude16.encode(lphiSteps),
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
