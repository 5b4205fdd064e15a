// BL0942 UART frames (standards.md §4.4, [V-code] ESPHome bl0942 citing datasheet V1.06): the 23-byte
// "read all" packet, single-register read replies and register writes. Pure functions, byte-exact.
import { FrameError } from '../../errors.js';
import { expectLength, hex2, putU24le, s24, sum8, u16le, u24le } from '../bytes.js';

export const BL0942_HEADER = 0x55;
export const BL0942_FRAME_LENGTH = 23;
/** Register address that asks for the full 23-byte packet. */
export const BL0942_READ_ALL = 0xaa;
const READ_CMD = 0x58;
const WRITE_CMD = 0xa8;

/** Registers a driver or bench uses (datasheet addresses as quoted by ESPHome). */
export const BL0942_REG = {
  I_RMSOS: 0x12,
  WA_CREEP: 0x14,
  I_FAST_RMS_TH: 0x15,
  FREQ_CYC: 0x17,
  MODE: 0x19,
  SOFT_RESET: 0x1c,
  USR_WRPROT: 0x1d,
} as const;
/** Value of USR_WRPROT that allows register writes. */
export const BL0942_UNLOCK = 0x55;
export const BL0942_SOFT_RESET_MAGIC = 0x5a5a5a;

/** The read-all packet as raw register counts. */
export interface Bl0942Packet {
  iRms: number;
  vRms: number;
  iFastRms: number;
  /** Signed active power counts (negative = export). */
  watt: number;
  /** 24-bit energy pulse counter; wraps at 2^24. */
  cfCnt: number;
  /** Line period counts: Hz = 1 000 000 / freq. */
  freq: number;
  status: number;
}

function checkAddr(addr: number): void {
  if (!Number.isInteger(addr) || addr < 0 || addr > 3) {
    throw new RangeError(`BL0942 address must be 0..3 (two address pins), got ${addr}`);
  }
}

const inverted = (s: number): number => ~s & 0xff;

/** Checksum of a read-all packet: inverted 8-bit sum of the read command byte and bytes 0..21. */
export function bl0942PacketChecksum(frame: Uint8Array, addr = 0): number {
  return inverted(READ_CMD + addr + sum8(frame, 0, 22));
}

/** The two bytes a host sends to read a register (0xAA = the whole packet). */
export function encodeBl0942ReadRequest(reg: number = BL0942_READ_ALL, addr = 0): Uint8Array {
  checkAddr(addr);
  return Uint8Array.of(READ_CMD | addr, reg & 0xff);
}

export function decodeBl0942Packet(frame: Uint8Array, addr = 0): Bl0942Packet {
  expectLength('BL0942 packet', frame, BL0942_FRAME_LENGTH);
  if (frame[0] !== BL0942_HEADER) {
    throw new FrameError('header', `BL0942 packet: header byte ${hex2(frame[0]!)}, expected ${hex2(BL0942_HEADER)}`);
  }
  const want = bl0942PacketChecksum(frame, addr);
  if (frame[22] !== want) {
    throw new FrameError(
      'checksum',
      `BL0942 packet: checksum ${hex2(frame[22]!)}, expected ${hex2(want)} (inverted sum of 0x${(READ_CMD + addr).toString(16)} and bytes 0..21)`,
    );
  }
  return {
    iRms: u24le(frame, 1),
    vRms: u24le(frame, 4),
    iFastRms: u24le(frame, 7),
    watt: s24(u24le(frame, 10)),
    cfCnt: u24le(frame, 13),
    freq: u16le(frame, 16),
    status: frame[19]!,
  };
}

export function encodeBl0942Packet(p: Bl0942Packet, addr = 0): Uint8Array {
  checkAddr(addr);
  const f = new Uint8Array(BL0942_FRAME_LENGTH);
  f[0] = BL0942_HEADER;
  putU24le(f, 1, p.iRms);
  putU24le(f, 4, p.vRms);
  putU24le(f, 7, p.iFastRms);
  putU24le(f, 10, p.watt & 0xffffff);
  putU24le(f, 13, p.cfCnt);
  f[16] = p.freq & 0xff;
  f[17] = (p.freq >>> 8) & 0xff;
  f[19] = p.status & 0xff;
  f[22] = bl0942PacketChecksum(f, addr);
  return f;
}

/** Reply to a single-register read: 3 data bytes (little-endian) + inverted sum of command, register and data. */
export function encodeBl0942RegisterReply(reg: number, value: number, addr = 0): Uint8Array {
  const f = new Uint8Array(4);
  putU24le(f, 0, value);
  f[3] = inverted(READ_CMD + addr + reg + sum8(f, 0, 3));
  return f;
}

export function decodeBl0942RegisterReply(reply: Uint8Array, reg: number, addr = 0): number {
  expectLength(`BL0942 register ${hex2(reg)} reply`, reply, 4);
  const want = inverted(READ_CMD + addr + reg + sum8(reply, 0, 3));
  if (reply[3] !== want) {
    throw new FrameError('checksum', `BL0942 register ${hex2(reg)} reply: checksum ${hex2(reply[3]!)}, expected ${hex2(want)}`);
  }
  return u24le(reply, 0);
}

/** Register write: 0xA8|addr, register, 3 data bytes LE, inverted sum. The chip does not answer. */
export function encodeBl0942Write(reg: number, value: number, addr = 0): Uint8Array {
  checkAddr(addr);
  const f = new Uint8Array(6);
  f[0] = WRITE_CMD | addr;
  f[1] = reg & 0xff;
  putU24le(f, 2, value);
  f[5] = inverted(sum8(f, 0, 5));
  return f;
}

export function decodeBl0942Write(frame: Uint8Array): { addr: number; reg: number; value: number } {
  expectLength('BL0942 register write', frame, 6);
  if ((frame[0]! & 0xfc) !== WRITE_CMD) {
    throw new FrameError('header', `BL0942 register write: command ${hex2(frame[0]!)}, expected 0xA8..0xAB`);
  }
  const want = inverted(sum8(frame, 0, 5));
  if (frame[5] !== want) {
    throw new FrameError('checksum', `BL0942 register write: checksum ${hex2(frame[5]!)}, expected ${hex2(want)}`);
  }
  return { addr: frame[0]! & 3, reg: frame[1]!, value: u24le(frame, 2) };
}
