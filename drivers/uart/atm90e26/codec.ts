// ATM90E26 UART frames (standards.md §4.6, [V-code] freexlamer m90e26.c):
//   read:  FE, addr|0x80, checksum(=addr|0x80)      reply: MSB, LSB, (MSB+LSB)&0xFF
//   write: FE, addr&0x7F, MSB, LSB, (addr+MSB+LSB)&0xFF   reply: that checksum byte as acknowledgement
import { FrameError } from '../../errors.js';
import { expectLength, hex2 } from '../bytes.js';

export const ATM90E26_START = 0xfe;

function checkReg(addr: number): void {
  if (!Number.isInteger(addr) || addr < 0 || addr > 0x7f) throw new RangeError(`ATM90E26 register must be 0..0x7F, got ${addr}`);
}

export function encodeAtm90e26Read(addr: number): Uint8Array {
  checkReg(addr);
  const a = addr | 0x80;
  return Uint8Array.of(ATM90E26_START, a, a);
}

export function encodeAtm90e26Write(addr: number, value: number): Uint8Array {
  checkReg(addr);
  const msb = (value >>> 8) & 0xff;
  const lsb = value & 0xff;
  return Uint8Array.of(ATM90E26_START, addr & 0x7f, msb, lsb, (addr + msb + lsb) & 0xff);
}

export const atm90e26WriteAck = (addr: number, value: number): number => (addr + ((value >>> 8) & 0xff) + (value & 0xff)) & 0xff;

export function encodeAtm90e26ReadReply(value: number): Uint8Array {
  const msb = (value >>> 8) & 0xff;
  const lsb = value & 0xff;
  return Uint8Array.of(msb, lsb, (msb + lsb) & 0xff);
}

export function decodeAtm90e26ReadReply(reply: Uint8Array): number {
  expectLength('ATM90E26 read reply', reply, 3);
  const want = (reply[0]! + reply[1]!) & 0xff;
  if (reply[2] !== want) {
    throw new FrameError('checksum', `ATM90E26 read reply: checksum ${hex2(reply[2]!)}, expected ${hex2(want)} (MSB+LSB)`);
  }
  return (reply[0]! << 8) | reply[1]!;
}

export function checkAtm90e26WriteAck(ack: Uint8Array, addr: number, value: number): void {
  expectLength('ATM90E26 write acknowledgement', ack, 1);
  const want = atm90e26WriteAck(addr, value);
  if (ack[0] !== want) {
    throw new FrameError('checksum', `ATM90E26 write of register ${hex2(addr)}: acknowledgement ${hex2(ack[0]!)}, expected ${hex2(want)}`);
  }
}

/** A request as the chip sees it (for the simulator): a read or a write. */
export type Atm90e26Request = { kind: 'read'; addr: number } | { kind: 'write'; addr: number; value: number };

/** Length of the request that starts at b[0] (3 for a read, 5 for a write), or null if b[0..1] is not one. */
export function atm90e26RequestLength(b: Uint8Array): number | null {
  if (b.length < 1 || b[0] !== ATM90E26_START) return null;
  if (b.length < 2) return 3;
  return b[1]! & 0x80 ? 3 : 5;
}

export function decodeAtm90e26Request(b: Uint8Array): Atm90e26Request {
  if (b.length < 3) throw new FrameError('length', `ATM90E26 request: got ${b.length} bytes, expected 3 (read) or 5 (write)`);
  if (b[0] !== ATM90E26_START) throw new FrameError('header', `ATM90E26 request: start byte ${hex2(b[0]!)}, expected 0xFE`);
  if (b[1]! & 0x80) {
    expectLength('ATM90E26 read request', b, 3);
    if (b[2] !== b[1]) throw new FrameError('checksum', `ATM90E26 read request: checksum ${hex2(b[2]!)}, expected ${hex2(b[1]!)}`);
    return { kind: 'read', addr: b[1]! & 0x7f };
  }
  expectLength('ATM90E26 write request', b, 5);
  const want = (b[1]! + b[2]! + b[3]!) & 0xff;
  if (b[4] !== want) throw new FrameError('checksum', `ATM90E26 write request: checksum ${hex2(b[4]!)}, expected ${hex2(want)}`);
  return { kind: 'write', addr: b[1]!, value: (b[2]! << 8) | b[3]! };
}
