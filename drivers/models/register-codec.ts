// Registers <-> values for one register definition (pure). Decoding and encoding are inverses so that the
// simulators speak exactly the map the drivers read.
import type { EnergyRegister, UnavailableValue } from '../meter-driver.js';
import { DeviceError, FrameError } from '../errors.js';
import { mul, rational, toNumber, type Rational } from '../rational.js';
import { float32Bits, float32Exact, roundHalfAway } from './float32-exact.js';
import { REGISTER_WIDTH, scaleOf, type RegisterDef, type RegisterType } from './model-schema.js';

/** The meter says it has no value for this register (ABB all-ones / max-positive patterns). */
export class RegisterNotAvailableError extends DeviceError {}

const BITS: Readonly<Record<RegisterType, number>> = { u16: 16, i16: 16, u32: 32, i32: 32, u64: 64, f32: 32 };
const SIGNED: ReadonlySet<RegisterType> = new Set(['i16', 'i32']);

/** Joins the register's words into one unsigned integer, honouring word order. */
export function wordsToRaw(def: Pick<RegisterDef, 'type' | 'wordOrder'>, words: ArrayLike<number>): bigint {
  const width = REGISTER_WIDTH[def.type];
  if (words.length !== width) {
    throw new FrameError('register-width', `${def.type} needs ${width} registers, got ${words.length}`);
  }
  let raw = 0n;
  for (let i = 0; i < width; i++) {
    const w = words[def.wordOrder === 'lsw' ? width - 1 - i : i]!;
    raw = (raw << 16n) | BigInt(w & 0xffff);
  }
  return raw;
}

/** Splits an unsigned integer into the register's words, honouring word order. */
export function rawToWords(def: Pick<RegisterDef, 'type' | 'wordOrder'>, raw: bigint): number[] {
  const width = REGISTER_WIDTH[def.type];
  const words: number[] = [];
  for (let i = width - 1; i >= 0; i--) words.push(Number((raw >> BigInt(16 * i)) & 0xffffn));
  return def.wordOrder === 'lsw' ? words.reverse() : words;
}

function toSigned(raw: bigint, type: RegisterType): bigint {
  const bits = BigInt(BITS[type]);
  return SIGNED.has(type) && raw >> (bits - 1n) ? raw - (1n << bits) : raw;
}

function toUnsigned(v: bigint, type: RegisterType): bigint {
  const bits = BigInt(BITS[type]);
  return v < 0n ? v + (1n << bits) : v;
}

/** True for ABB's "not available" raw patterns: all ones for unsigned types, max positive for signed ones. */
export function isNotAvailableRaw(raw: bigint, type: RegisterType): boolean {
  const bits = BigInt(BITS[type]);
  if (type === 'f32') return false;
  return SIGNED.has(type) ? raw === (1n << (bits - 1n)) - 1n : raw === (1n << bits) - 1n;
}

function checkAvailable(def: RegisterDef, raw: bigint, sentinels: boolean): void {
  if (sentinels && isNotAvailableRaw(raw, def.type)) {
    throw new RegisterNotAvailableError(
      'not-available',
      `${def.quantity} at 0x${def.address.toString(16)} reads the "not available" pattern 0x${raw.toString(16)}; the meter has no value for it (not treated as 0)`,
      { quantity: def.quantity },
    );
  }
}

/** Why a register's words carry no value (sentinel pattern, NaN or infinite float), or null when they do. */
export function unavailableReason(def: RegisterDef, words: ArrayLike<number>, sentinels: boolean): UnavailableValue['reason'] | null {
  const raw = wordsToRaw(def, words);
  if (def.type === 'f32') {
    if (((raw >> 23n) & 0xffn) !== 0xffn) return null;
    return raw & 0x7fffffn ? 'not-a-number' : 'infinite';
  }
  return sentinels && isNotAvailableRaw(raw, def.type) ? 'not-available' : null;
}

/** The register's value in its unit as an exact rational (floats: their exact binary value). */
export function decodeExact(def: RegisterDef, words: ArrayLike<number>, sentinels = false): Rational {
  const raw = wordsToRaw(def, words);
  checkAvailable(def, raw, sentinels);
  const scale = scaleOf(def.scale);
  if (def.type === 'f32') return mul(float32Exact(Number(raw)).value, scale);
  return mul(rational(toSigned(raw, def.type)), scale);
}

/** The register's value in its unit as a number (instantaneous values only). */
export function decodeNumber(def: RegisterDef, words: ArrayLike<number>, sentinels = false): number {
  return toNumber(decodeExact(def, words, sentinels));
}

const whPerUnit = (def: RegisterDef): Rational => rational(def.unit === 'kWh' ? 1000n : 1n);

/**
 * An energy register as the integer the meter holds: integer registers keep their own resolution
 * (whPerCount = scale x Wh per unit); float registers become integer Wh, rounded from the float's exact value,
 * with floatUlpWh telling how coarse the float is at that magnitude (above 16384 kWh coarser than 1 Wh).
 */
export function decodeEnergy(def: RegisterDef, words: ArrayLike<number>, sentinels = false): EnergyRegister {
  if (!def.energy) throw new FrameError('not-energy', `${def.quantity} is not an energy register`);
  const raw = wordsToRaw(def, words);
  checkAvailable(def, raw, sentinels);
  const scale = scaleOf(def.scale);
  if (def.type === 'f32') {
    const f = float32Exact(Number(raw));
    if (f.value.num < 0n) {
      throw new DeviceError('energy-out-of-range', `${def.quantity} at 0x${def.address.toString(16)} reads ${toNumber(f.value)}; expected a cumulative energy >= 0`);
    }
    const toWh = mul(scale, whPerUnit(def));
    return {
      value: roundHalfAway(mul(f.value, toWh)),
      whPerCount: rational(1n),
      counterBits: null,
      floatUlpWh: toNumber(mul(f.ulp, toWh)),
    };
  }
  const value = toSigned(raw, def.type);
  const bits = def.energy.counterBits;
  if (value < 0n || (bits !== null && value >= 1n << BigInt(bits))) {
    throw new DeviceError(
      'energy-out-of-range',
      `${def.quantity} at 0x${def.address.toString(16)} reads ${value}; expected 0..${bits === null ? 'max' : (1n << BigInt(bits)) - 1n}`,
    );
  }
  return { value, whPerCount: mul(scale, whPerUnit(def)), counterBits: bits, floatUlpWh: null };
}

/** Encodes a value in the register's unit (simulators). Integers round to the nearest count and saturate. */
export function encodeNumber(def: RegisterDef, value: number): number[] {
  if (def.type === 'f32') return rawToWords(def, BigInt(float32Bits(value / toNumber(scaleOf(def.scale)))));
  const bits = BITS[def.type];
  const signed = SIGNED.has(def.type);
  const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
  // Keep one below the top so a real value never collides with a not-available pattern.
  const max = (signed ? (1n << BigInt(bits - 1)) : (1n << BigInt(bits))) - 2n;
  const s = scaleOf(def.scale);
  let v = BigInt(Math.round((value * Number(s.den)) / Number(s.num)));
  if (v < min) v = min;
  if (v > max) v = max;
  return rawToWords(def, toUnsigned(v, def.type));
}

/** Encodes cumulative Wh as the meter would hold it: floor to whole counts, wrapped at counterBits. */
export function encodeEnergyWh(def: RegisterDef, wh: number): number[] {
  if (!def.energy) throw new FrameError('not-energy', `${def.quantity} is not an energy register`);
  const toWh = mul(scaleOf(def.scale), whPerUnit(def));
  if (def.type === 'f32') return rawToWords(def, BigInt(float32Bits((wh * Number(toWh.den)) / Number(toWh.num))));
  let count = BigInt(Math.floor((Math.max(0, wh) * Number(toWh.den)) / Number(toWh.num)));
  const bits = def.energy.counterBits;
  if (bits !== null) count %= 1n << BigInt(bits);
  return rawToWords(def, toUnsigned(count, def.type) & ((1n << BigInt(BITS[def.type])) - 1n));
}
