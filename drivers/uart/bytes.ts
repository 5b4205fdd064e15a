// Byte helpers shared by the UART chip codecs: fixed-width integer fields and hex for fixtures and logs.
import { FrameError } from '../errors.js';

export const u24le = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16);
export const u24be = (b: Uint8Array, o: number): number => (b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!;
export const u16be = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
export const u16le = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);

/** Two's complement of a 24-bit field. */
export const s24 = (v: number): number => (v & 0x800000 ? v - 0x1000000 : v);

export function putU24le(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
}

export function putU24be(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 16) & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = v & 0xff;
}

/** 8-bit sum of b[from..to) (to exclusive). */
export function sum8(b: Uint8Array, from = 0, to = b.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s = (s + b[i]!) & 0xff;
  return s;
}

export const toHex = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, '0').toUpperCase()).join(' ');

/** Parses "55 4D D5" or "554dd5" into bytes. */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new RangeError(`not a hex byte string: "${text}"`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Rejects a frame of the wrong length with a message naming both lengths. */
export function expectLength(what: string, b: Uint8Array, n: number): void {
  if (b.length !== n) {
    throw new FrameError('length', `${what}: got ${b.length} bytes, expected exactly ${n}`, { got: b.length, expected: n });
  }
}

export const hex2 = (v: number): string => `0x${v.toString(16).padStart(2, '0').toUpperCase()}`;
