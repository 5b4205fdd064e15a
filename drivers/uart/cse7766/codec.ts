// CSE7766 24-byte frames (standards.md §4.5, [V-code] ESPHome cse7766): the chip streams them
// continuously; coefficients and cycles are 24-bit big-endian, the CF pulse count is 16-bit and wraps.
import { FrameError } from '../../errors.js';
import { rational, type Rational } from '../../rational.js';
import { expectLength, hex2, putU24be, sum8, u16be, u24be } from '../bytes.js';

export const CSE7766_FRAME_LENGTH = 24;
export const CSE7766_HEADER2 = 0x5a;
/** Header1 values: 0x55 normal, 0xAA chip not calibrated, 0xF0..0xFF status flags in the low nibble. */
export const CSE7766_NORMAL = 0x55;
export const CSE7766_UNCALIBRATED = 0xaa;

export const CSE7766_ADJ = { powerValid: 0x10, currentValid: 0x20, voltageValid: 0x40 } as const;

export interface Cse7766Flags {
  voltageCycleOutOfRange: boolean;
  currentCycleOutOfRange: boolean;
  /** Power below the chip's range: power reads as 0. */
  powerCycleOutOfRange: boolean;
  coefficientStorageAbnormal: boolean;
}

/** A decoded frame: the fields on the wire, and what its header says. */
export interface Cse7766Frame extends Cse7766FrameFields {
  state: 'normal' | 'uncalibrated' | 'status';
  flags: Cse7766Flags;
}

export const isCse7766Header1 = (b: number): boolean =>
  b === CSE7766_NORMAL || b === CSE7766_UNCALIBRATED || (b & 0xf0) === 0xf0;

export const cse7766Checksum = (frame: Uint8Array): number => sum8(frame, 2, 23);

export function decodeCse7766Frame(frame: Uint8Array): Cse7766Frame {
  expectLength('CSE7766 frame', frame, CSE7766_FRAME_LENGTH);
  const h = frame[0]!;
  if (!isCse7766Header1(h)) {
    throw new FrameError('header', `CSE7766 frame: header1 ${hex2(h)}, expected 0x55, 0xAA or 0xF0..0xFF`);
  }
  if (frame[1] !== CSE7766_HEADER2) {
    throw new FrameError('header', `CSE7766 frame: header2 ${hex2(frame[1]!)}, expected ${hex2(CSE7766_HEADER2)}`);
  }
  const want = cse7766Checksum(frame);
  if (frame[23] !== want) {
    throw new FrameError('checksum', `CSE7766 frame: checksum ${hex2(frame[23]!)}, expected ${hex2(want)} (sum of bytes 2..22)`);
  }
  const status = (h & 0xf0) === 0xf0;
  return {
    header: h,
    state: h === CSE7766_NORMAL ? 'normal' : h === CSE7766_UNCALIBRATED ? 'uncalibrated' : 'status',
    flags: {
      voltageCycleOutOfRange: status && (h & 0x08) !== 0,
      currentCycleOutOfRange: status && (h & 0x04) !== 0,
      powerCycleOutOfRange: status && (h & 0x02) !== 0,
      coefficientStorageAbnormal: status && (h & 0x01) !== 0,
    },
    voltageCoef: u24be(frame, 2),
    voltageCycle: u24be(frame, 5),
    currentCoef: u24be(frame, 8),
    currentCycle: u24be(frame, 11),
    powerCoef: u24be(frame, 14),
    powerCycle: u24be(frame, 17),
    adj: frame[20]!,
    cfPulses: u16be(frame, 21),
  };
}

/** The fields of a frame as they stand on the wire (what encodeCse7766Frame takes). */
export interface Cse7766FrameFields {
  /** 0x55, 0xAA or 0xF0 | flags. */
  header: number;
  voltageCoef: number;
  voltageCycle: number;
  currentCoef: number;
  currentCycle: number;
  powerCoef: number;
  powerCycle: number;
  adj: number;
  /** 16-bit CF pulse count; wraps at 2^16. */
  cfPulses: number;
}

export function encodeCse7766Frame(f: Cse7766FrameFields): Uint8Array {
  const b = new Uint8Array(CSE7766_FRAME_LENGTH);
  b[0] = f.header & 0xff;
  b[1] = CSE7766_HEADER2;
  putU24be(b, 2, f.voltageCoef);
  putU24be(b, 5, f.voltageCycle);
  putU24be(b, 8, f.currentCoef);
  putU24be(b, 11, f.currentCycle);
  putU24be(b, 14, f.powerCoef);
  putU24be(b, 17, f.powerCycle);
  b[20] = f.adj & 0xff;
  b[21] = (f.cfPulses >>> 8) & 0xff;
  b[22] = f.cfPulses & 0xff;
  b[23] = cse7766Checksum(b);
  return b;
}

/**
 * Instantaneous values as ESPHome derives them: a value is reported only when its Adj bit says it is
 * valid, and current/power read 0 when their cycle is out of range (too small to measure).
 */
export function cse7766Instant(f: Cse7766Frame): { voltageV: number; currentA: number; powerW: number } {
  const ratio = (coef: number, cycle: number) => (cycle > 0 ? coef / cycle : 0);
  const voltageV = f.adj & CSE7766_ADJ.voltageValid && !f.flags.voltageCycleOutOfRange ? ratio(f.voltageCoef, f.voltageCycle) : 0;
  const currentA = f.adj & CSE7766_ADJ.currentValid && !f.flags.currentCycleOutOfRange ? ratio(f.currentCoef, f.currentCycle) : 0;
  const powerW = f.adj & CSE7766_ADJ.powerValid && !f.flags.powerCycleOutOfRange ? ratio(f.powerCoef, f.powerCycle) : 0;
  return { voltageV, currentA, powerW };
}

/**
 * Watt-hours per CF pulse, exact: Pcoef / 3.6e9. P = Pcoef / Pcycle with the cycle in microseconds, so one pulse
 * carries Pcoef / 1e6 J (standards.md 4.5, corrected; ESPHome cse7766.cpp: Wh = sum(dCF) * Pcoef / 1e6 / 3600).
 */
export function cse7766WhPerCount(powerCoef: number): Rational {
  return rational(BigInt(powerCoef), CSE7766_MICROJOULE_PER_WH);
}

/** Microjoules in a watt-hour (one pulse is Pcoef microjoules). */
export const CSE7766_MICROJOULE_PER_WH = 3_600_000_000n;
/** The CF pulse count is 16 bits wide. */
export const CSE7766_CF_MODULUS = 0x10000;
