// The energy registers of the Modbus meters as their makers document them (standards.md §4.1-4.3), kept apart from
// the drivers so that the proving test can read a register without the gateway's own scaling: a scaling error in a
// driver then cannot prove itself. Also the resolution of each model's energy register, which fixes the proving
// test's tolerance for hand readings (never the number of decimals the installer types).
import type { Channel } from '../../device/records/record-types.js';

export type RawEncoding = 'float32-be' | 'int32-lsw-first' | 'uint64-be';

export interface RawEnergyRegister {
  functionCode: 3 | 4;
  address: Record<Channel, number>;
  encoding: RawEncoding;
  /** The value is kWh divided by this (float32: 1). */
  divideBy: number;
  status: string;
}

export const RAW_ENERGY_REGISTERS: Readonly<Record<string, RawEnergyRegister>> = {
  sdm630: { functionCode: 4, address: { import: 0x0048, export: 0x004a }, encoding: 'float32-be', divideBy: 1, status: '[V-code] standards.md §4.1' },
  sdm120: { functionCode: 4, address: { import: 0x0048, export: 0x004a }, encoding: 'float32-be', divideBy: 1, status: '[V-code] standards.md §4.1' },
  em340: { functionCode: 4, address: { import: 0x34, export: 0x4e }, encoding: 'int32-lsw-first', divideBy: 10, status: '[V-code] standards.md §4.2' },
  b23: { functionCode: 3, address: { import: 0x5000, export: 0x5004 }, encoding: 'uint64-be', divideBy: 100, status: '[V-code] standards.md §4.3' },
};

/**
 * Resolution of the register an installer reads by hand, Wh. Integer registers: their documented weight [V-code].
 * Eastron float32 kWh: the meter's display shows 0.01 kWh [U, from memory]. Meters with no display (the UART metering
 * chips) and IEC 62056 meters (model-dependent) have none here: give --register-resolution-wh.
 */
export const HAND_READING_RESOLUTION_WH: Readonly<Record<string, { wh: number; status: string }>> = {
  sdm630: { wh: 10, status: '[U] display 0.01 kWh' },
  sdm120: { wh: 10, status: '[U] display 0.01 kWh' },
  em340: { wh: 100, status: '[V-code] register weight 0.1 kWh (standards.md §4.2)' },
  b23: { wh: 10, status: '[V-code] register weight 0.01 kWh (standards.md §4.3)' },
};

/** Register words -> kWh times `divideBy` as an exact integer (float32: the float's exact value, as a rational). */
export function decodeRaw(words: number[], enc: RawEncoding): { num: bigint; den: bigint } {
  if (enc === 'float32-be') {
    const dv = new DataView(new ArrayBuffer(4));
    dv.setUint16(0, words[0]!);
    dv.setUint16(2, words[1]!);
    const bits = dv.getUint32(0);
    const exp = (bits >>> 23) & 0xff;
    const frac = bits & 0x7fffff;
    if (exp === 0xff) throw new RangeError('the register holds NaN or infinity');
    if (bits >>> 31) throw new RangeError('the energy register is negative');
    // value = mantissa x 2^(exp - 150), exactly.
    const mant = BigInt(exp === 0 ? frac : frac | 0x800000);
    const e = (exp === 0 ? 1 : exp) - 150;
    return e >= 0 ? { num: mant << BigInt(e), den: 1n } : { num: mant, den: 1n << BigInt(-e) };
  }
  if (enc === 'int32-lsw-first') {
    const v = (((words[1]! & 0xffff) << 16) | (words[0]! & 0xffff)) | 0;
    return { num: BigInt(v), den: 1n };
  }
  let v = 0n;
  for (const w of words.slice(0, 4)) v = (v << 16n) | BigInt(w & 0xffff);
  return { num: v, den: 1n };
}

export const rawWordCount = (enc: RawEncoding): number => (enc === 'uint64-be' ? 4 : 2);
