// Writing and reading ATM90E26 calibration (for the bench): open the block with CalStart/AdjStart = 0x5678,
// write the gains, write the block checksum CS1/CS2, close with 0x8765, then read everything back.
import { DeviceError } from '../../errors.js';
import type { Atm90e26Registers } from './client.js';
import {
  ATM90E26_GAIN_UNITY,
  ATM90E26_LPHI_DEG_PER_LSB,
  ATM90E26_REG,
  ATM90E26_START_METERING,
  ATM90E26_UNLOCK,
  CS1_BLOCK,
  CS2_BLOCK,
  SYSSTATUS_ADJ_ERR,
  SYSSTATUS_CAL_ERR,
  atm90e26BlockChecksum,
  lphiDegrees,
  lphiRegister,
} from './registers.js';

export interface Atm90e26Calibration {
  /** L-line active power/energy gain (multiplier reg / 0x8000 in the simulator's convention). */
  Lgain: number;
  /** L-line phase compensation, signed 16-bit (0.001 degree per LSB in the simulator's convention). */
  Lphi: number;
  Ugain: number;
  IgainL: number;
}

export interface Atm90e26CalibrationReadback extends Atm90e26Calibration {
  CS1: number;
  CS2: number;
  SysStatus: number;
}

const hex4 = (v: number) => `0x${v.toString(16).padStart(4, '0').toUpperCase()}`;

async function writeBlock(
  c: Atm90e26Registers,
  start: number,
  block: readonly number[],
  csReg: number,
  values: [number, number][],
): Promise<void> {
  await c.writeRegister(start, ATM90E26_UNLOCK);
  for (const [reg, v] of values) await c.writeRegister(reg, v);
  const current: number[] = [];
  for (const reg of block) current.push(await c.readRegister(reg));
  await c.writeRegister(csReg, atm90e26BlockChecksum(current));
  await c.writeRegister(start, ATM90E26_START_METERING);
}

export async function readCalibration(c: Atm90e26Registers): Promise<Atm90e26CalibrationReadback> {
  return {
    Lgain: await c.readRegister(ATM90E26_REG.Lgain),
    Lphi: await c.readRegister(ATM90E26_REG.Lphi),
    Ugain: await c.readRegister(ATM90E26_REG.Ugain),
    IgainL: await c.readRegister(ATM90E26_REG.IgainL),
    CS1: await c.readRegister(ATM90E26_REG.CS1),
    CS2: await c.readRegister(ATM90E26_REG.CS2),
    SysStatus: await c.readRegister(ATM90E26_REG.SysStatus),
  };
}

/** Writes Lgain/Lphi (CS1 block) and Ugain/IgainL (CS2 block), then verifies by reading back. */
export async function writeCalibration(c: Atm90e26Registers, cal: Atm90e26Calibration): Promise<void> {
  for (const [k, v] of Object.entries(cal)) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`${k} must be a 16-bit register value 0..0xFFFF, got ${v}`);
  }
  await writeBlock(c, ATM90E26_REG.CalStart, CS1_BLOCK, ATM90E26_REG.CS1, [
    [ATM90E26_REG.Lgain, cal.Lgain],
    [ATM90E26_REG.Lphi, cal.Lphi],
  ]);
  await writeBlock(c, ATM90E26_REG.AdjStart, CS2_BLOCK, ATM90E26_REG.CS2, [
    [ATM90E26_REG.Ugain, cal.Ugain],
    [ATM90E26_REG.IgainL, cal.IgainL],
  ]);
  const back = await readCalibration(c);
  for (const k of ['Lgain', 'Lphi', 'Ugain', 'IgainL'] as const) {
    if (back[k] !== cal[k]) {
      throw new DeviceError('readback', `ATM90E26 ${k} reads back ${hex4(back[k])} after writing ${hex4(cal[k])}: the write did not take (calibration block locked?)`);
    }
  }
  if (back.SysStatus & (SYSSTATUS_CAL_ERR | SYSSTATUS_ADJ_ERR)) {
    throw new DeviceError('checksum', `ATM90E26 SysStatus ${hex4(back.SysStatus)} flags a CS1/CS2 checksum error after calibration; expected both error fields 0`);
  }
}

export interface MeasuredErrors {
  /** (meter - reference) / reference for voltage, current and active power at PF 1. */
  voltage?: number;
  current?: number;
  power?: number;
  /** Meter's phase angle minus the reference's, degrees (from an error at PF 0.5). */
  phaseDeg?: number;
}

/** New register values that cancel measured errors, under the simulator's gain/phase convention. */
export function correctedCalibration(cur: Atm90e26Calibration, e: MeasuredErrors): Atm90e26Calibration {
  const gain = (reg: number, err = 0) => {
    const v = Math.round(reg / (1 + err));
    if (v < 1 || v > 0xffff) throw new RangeError(`corrected gain ${v} is outside 1..0xFFFF (error ${err} too large?)`);
    return v;
  };
  return {
    Lgain: gain(cur.Lgain, e.power),
    Ugain: gain(cur.Ugain, e.voltage),
    IgainL: gain(cur.IgainL, e.current),
    Lphi: lphiRegister(lphiDegrees(cur.Lphi) + (e.phaseDeg ?? 0)),
  };
}

/** Register values of an uncorrected chip under the simulator's convention (unity gains, no phase shift). */
export const ATM90E26_UNITY_CALIBRATION: Atm90e26Calibration = {
  Lgain: ATM90E26_GAIN_UNITY,
  Lphi: 0,
  Ugain: ATM90E26_GAIN_UNITY,
  IgainL: ATM90E26_GAIN_UNITY,
};
export { ATM90E26_LPHI_DEG_PER_LSB };
