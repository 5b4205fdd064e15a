// Encodes physical values as a meter lays them out (drivers/models/register-sheets.ts), for simulators. Shares no
// code or constant with the driver's decoder (register-codec.ts): the two must agree because both follow the vendor.
import { scaleOf, type MeterModel, type RegisterType } from './model-schema.js';
import type { RegisterSheet, SheetEntry, WireFormat } from './register-sheets.js';

const WIRE_BITS: Readonly<Record<WireFormat, number>> = {
  float32: 32, uint32: 32, int32: 32, uint16: 16, int16: 16, uint64: 64,
};
const SIGNED_WIRE: ReadonlySet<WireFormat> = new Set(['int32', 'int16']);

/** Big-endian 16-bit words of an unsigned integer of `bits` bits. */
function words(u: bigint, bits: number): number[] {
  const out: number[] = [];
  for (let i = bits / 16 - 1; i >= 0; i--) out.push(Number((u >> BigInt(16 * i)) & 0xffffn));
  return out;
}

/** Lays an integer count out in the entry's format: two's complement, saturating at the type's range. */
function integerWords(e: SheetEntry, count: bigint): number[] {
  const bits = WIRE_BITS[e.wire];
  const signed = SIGNED_WIRE.has(e.wire);
  const lo = signed ? -(1n << BigInt(bits - 1)) : 0n;
  const hi = (signed ? 1n << BigInt(bits - 1) : 1n << BigInt(bits)) - (e.topMeansNotAvailable ? 2n : 1n);
  const c = count < lo ? lo : count > hi ? hi : count;
  const w = words(c < 0n ? c + (1n << BigInt(bits)) : c, bits);
  return e.lowWordFirst ? w.reverse() : w;
}

function floatWords(e: SheetEntry, x: number): number[] {
  const dv = new DataView(new ArrayBuffer(4));
  dv.setFloat32(0, x);
  const w = [dv.getUint16(0), dv.getUint16(2)];
  return e.lowWordFirst ? w.reverse() : w;
}

/** An instantaneous value in its physical unit (V, A, W, Hz, PF). */
export function encodeInstant(e: SheetEntry, value: number): number[] {
  if (e.wire === 'float32') return floatWords(e, value * e.perUnit);
  return integerWords(e, BigInt(Math.round(value * e.perUnit)));
}

/** Cumulative energy in Wh as the meter's register holds it: completed counts only, restarting at the wrap. */
export function encodeEnergy(e: SheetEntry, wh: number): number[] {
  const perWh = e.perUnit / (e.energyUnit === 'Wh' ? 1 : 1000);
  if (e.wire === 'float32') return floatWords(e, wh * perWh);
  let count = BigInt(Math.floor(Math.max(0, wh) * perWh + 1e-9));
  if (e.wrapBits) count %= 1n << BigInt(e.wrapBits);
  return integerWords(e, count);
}

const WIRE_OF: Readonly<Record<RegisterType, WireFormat>> = { u16: 'uint16', i16: 'int16', u32: 'uint32', i32: 'int32', u64: 'uint64', f32: 'float32' };

/**
 * The sheet of a model that has no datasheet table here (a model file): read off the model itself. Such a simulator
 * speaks exactly the file's map, so it tests the plumbing, not the map: the map needs vectors from the vendor.
 */
export function sheetFromModel(model: MeterModel): RegisterSheet {
  const out: RegisterSheet = {};
  for (const r of model.registers) {
    const s = scaleOf(r.scale);
    out[r.quantity] = {
      address: r.address,
      wire: WIRE_OF[r.type],
      ...(r.wordOrder === 'lsw' ? { lowWordFirst: true } : {}),
      ...(model.notAvailableSentinels ? { topMeansNotAvailable: true } : {}),
      perUnit: Number(s.den) / Number(s.num),
      ...(r.energy ? { energyUnit: r.unit === 'Wh' ? 'Wh' : 'kWh', wrapBits: r.energy.counterBits } : {}),
    };
  }
  return out;
}
