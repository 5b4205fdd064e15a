// ATM90E26 register map (standards.md §4.6, [V-code] ESPHome atm90e26_reg.h) and value scalings.
export const ATM90E26_REG = {
  SoftReset: 0x00,
  SysStatus: 0x01,
  FuncEn: 0x02,
  SagTh: 0x03,
  SmallPMod: 0x04,
  /** The last value read or written over the interface (not read-and-clear). */
  LastData: 0x06,
  CalStart: 0x20,
  PLconstH: 0x21,
  PLconstL: 0x22,
  Lgain: 0x23,
  Lphi: 0x24,
  Ngain: 0x25,
  Nphi: 0x26,
  PStartTh: 0x27,
  PNolTh: 0x28,
  QStartTh: 0x29,
  QNolTh: 0x2a,
  MMode: 0x2b,
  CS1: 0x2c,
  AdjStart: 0x30,
  Ugain: 0x31,
  IgainL: 0x32,
  IgainN: 0x33,
  CS2: 0x3b,
  /** Forward (import) active energy, read-and-clear, 0.1 CF pulse per count. */
  APenergy: 0x40,
  /** Reverse (export) active energy, read-and-clear. */
  ANenergy: 0x41,
  ATenergy: 0x42,
  EnStatus: 0x46,
  Irms: 0x48,
  Urms: 0x49,
  Pmean: 0x4a,
  Qmean: 0x4b,
  Freq: 0x4c,
  PowerF: 0x4d,
  Pangle: 0x4e,
  Smean: 0x4f,
} as const;

/** Written to CalStart/AdjStart to open a calibration block, and to close it and start metering. */
export const ATM90E26_UNLOCK = 0x5678;
export const ATM90E26_START_METERING = 0x8765;
export const ATM90E26_SOFT_RESET_MAGIC = 0x789a;

/** Registers covered by CS1 (after CalStart) and CS2 (after AdjStart). */
export const CS1_BLOCK = [0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b] as const;
export const CS2_BLOCK = [0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a] as const;

/**
 * CS1/CS2 checksum of a register block: low byte = 8-bit sum of every register's two bytes,
 * high byte = XOR of the same bytes ([V-code] ESPHome).
 */
export function atm90e26BlockChecksum(values: readonly number[]): number {
  let sum = 0;
  let xor = 0;
  for (const v of values) {
    const hi = (v >>> 8) & 0xff;
    const lo = v & 0xff;
    sum = (sum + hi + lo) & 0xff;
    xor ^= hi ^ lo;
  }
  return (xor << 8) | sum;
}

/**
 * SysStatus error bits: CalErr (bits 15:14) when CS1 is wrong, AdjErr (bits 13:12) when CS2 is wrong.
 * [U] bit positions from memory of the datasheet; the simulator and calibration.ts share these.
 */
export const SYSSTATUS_CAL_ERR = 0xc000;
export const SYSSTATUS_ADJ_ERR = 0x3000;

/** Scalings ([V-code] ESPHome): Urms/100 V, Irms/1000 A, Pmean signed W, Freq/100 Hz. */
export const atm90e26Volts = (raw: number): number => raw / 100;
export const atm90e26Amps = (raw: number): number => raw / 1000;
export const atm90e26Watts = (raw: number): number => (raw & 0x8000 ? raw - 0x10000 : raw);
export const atm90e26Hertz = (raw: number): number => raw / 100;

/** PowerF is sign-magnitude: bit 15 = sign (1 = negative), magnitude in the low 15 bits, /1000. */
export function atm90e26PowerFactor(raw: number): number {
  const mag = (raw & 0x7fff) / 1000;
  return raw & 0x8000 ? -mag : mag;
}

export function encodeAtm90e26PowerFactor(pf: number): number {
  const mag = Math.min(0x7fff, Math.round(Math.abs(pf) * 1000));
  return (pf < 0 ? 0x8000 : 0) | mag;
}

/**
 * Gain and phase conventions shared by the simulated chip and the calibration helpers.
 * [U] The datasheet's exact gain formats are not in the fact sheet; the simulator defines a gain register
 * as a multiplier reg / 0x8000 and Lphi as a signed 16-bit angle in 0.001 degree steps, so a bench can
 * compute corrections exactly. Change these together if the datasheet says otherwise.
 */
export const ATM90E26_GAIN_UNITY = 0x8000;
export const ATM90E26_LPHI_DEG_PER_LSB = 0.001;

export const gainMultiplier = (reg: number): number => reg / ATM90E26_GAIN_UNITY;
export const lphiDegrees = (reg: number): number => (reg & 0x8000 ? reg - 0x10000 : reg) * ATM90E26_LPHI_DEG_PER_LSB;
export function lphiRegister(deg: number): number {
  const n = Math.round(deg / ATM90E26_LPHI_DEG_PER_LSB);
  if (n < -0x8000 || n > 0x7fff) throw new RangeError(`Lphi ${deg} degrees is outside +-32.767 degrees`);
  return n & 0xffff;
}
