// Modbus PDU codecs (function code + data) for FC 03, 04, 06 and 16, shared by RTU and TCP framing.
// Every decoder takes untrusted bytes: it returns or throws an AmsgateError subclass, nothing else.
import { ConfigError, FrameError } from '../errors.js';
import { ModbusExceptionError } from './exception.js';

export type ModbusFunctionCode = 3 | 4 | 6 | 16;

export type ModbusRequest =
  | { fc: 3 | 4; address: number; count: number }
  | { fc: 6; address: number; value: number }
  | { fc: 16; address: number; values: number[] };

export type ModbusResponse =
  | { fc: 3 | 4; registers: Uint16Array }
  | { fc: 6; address: number; value: number }
  | { fc: 16; address: number; count: number };

/** Protocol limits (Modbus application protocol v1.1b3, 6.3/6.4/6.12). */
export const MAX_READ_COUNT = 125;
export const MAX_WRITE_COUNT = 123;
/** A PDU is at most 253 bytes (256-byte RTU ADU minus unit and CRC). */
export const MAX_PDU_LENGTH = 253;

export const isSupportedFc = (fc: unknown): fc is ModbusFunctionCode => fc === 3 || fc === 4 || fc === 6 || fc === 16;

const isU16 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff;

/** Checks a request the caller built; a mistake here is the caller's, so it is a ConfigError. */
export function validateRequest(req: ModbusRequest): void {
  const r = req as { fc?: unknown; address?: unknown; count?: unknown; value?: unknown; values?: unknown };
  if (!isSupportedFc(r.fc)) throw new ConfigError('modbus-fc', `function code ${String(r.fc)} is not supported; expected 3, 4, 6 or 16`);
  if (!isU16(r.address)) throw new ConfigError('modbus-address', `register address ${String(r.address)} is invalid; expected an integer 0..65535`);
  let count: number;
  if (r.fc === 3 || r.fc === 4) {
    if (typeof r.count !== 'number' || !Number.isInteger(r.count) || r.count < 1 || r.count > MAX_READ_COUNT) {
      throw new ConfigError('modbus-count', `read count ${String(r.count)} is invalid; expected an integer 1..${MAX_READ_COUNT}`);
    }
    count = r.count;
  } else if (r.fc === 6) {
    if (!isU16(r.value)) throw new ConfigError('modbus-value', `register value ${String(r.value)} is invalid; expected an integer 0..65535`);
    count = 1;
  } else {
    if (!Array.isArray(r.values) || r.values.length < 1 || r.values.length > MAX_WRITE_COUNT) {
      const n = Array.isArray(r.values) ? r.values.length : 'no array';
      throw new ConfigError('modbus-count', `write of ${n} registers is invalid; expected 1..${MAX_WRITE_COUNT} values`);
    }
    r.values.forEach((v: unknown, i: number) => {
      if (!isU16(v)) throw new ConfigError('modbus-value', `value[${i}] = ${String(v)} is invalid; expected an integer 0..65535`);
    });
    count = r.values.length;
  }
  if (r.address + count > 0x10000) {
    throw new ConfigError('modbus-address', `registers ${r.address}..${r.address + count - 1} run past 65535; expected address + count <= 65536`);
  }
}

export function encodeRequestPdu(req: ModbusRequest): Uint8Array {
  validateRequest(req);
  switch (req.fc) {
    case 3:
    case 4:
      return Uint8Array.of(req.fc, req.address >> 8, req.address & 0xff, req.count >> 8, req.count & 0xff);
    case 6:
      return Uint8Array.of(6, req.address >> 8, req.address & 0xff, req.value >> 8, req.value & 0xff);
    case 16: {
      const n = req.values.length;
      const pdu = new Uint8Array(6 + 2 * n);
      pdu.set([16, req.address >> 8, req.address & 0xff, n >> 8, n & 0xff, 2 * n]);
      req.values.forEach((v, i) => {
        pdu[6 + 2 * i] = v >> 8;
        pdu[7 + 2 * i] = v & 0xff;
      });
      return pdu;
    }
  }
}

const u16 = (b: Uint8Array, i: number): number => (b[i]! << 8) | b[i + 1]!;

export const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/** Decoders are fed untrusted input (and fuzzed): anything but bytes is a FrameError, not a TypeError. */
export function asBytes(x: unknown, what: string): Uint8Array {
  if (x instanceof Uint8Array) return x;
  throw new FrameError('modbus-input', `${what}: got ${x === null ? 'null' : typeof x}; expected a Uint8Array or Buffer`);
}

function need(pdu: Uint8Array, length: number, what: string): void {
  if (pdu.length !== length) {
    throw new FrameError('modbus-pdu-length', `${what}: PDU of ${pdu.length} bytes; expected ${length} bytes`, {
      received: hex(pdu),
    });
  }
}

/**
 * Server side: decodes a request PDU. Unsupported functions and out-of-range quantities throw
 * ModbusExceptionError with the code the server must answer (1, 2 or 3); a PDU of the wrong length throws FrameError.
 */
export function decodeRequestPdu(input: Uint8Array): ModbusRequest {
  const pdu = asBytes(input, 'request PDU');
  if (pdu.length < 1) throw new FrameError('modbus-pdu-length', 'empty request PDU; expected a function code and data');
  const fc = pdu[0]!;
  if (!isSupportedFc(fc)) throw new ModbusExceptionError(fc, 1, 'in the request (supported: 3, 4, 6, 16)');
  if (fc === 16) {
    if (pdu.length < 6) need(pdu, 6, 'FC 16 request');
    const count = u16(pdu, 3);
    const byteCount = pdu[5]!;
    need(pdu, 6 + byteCount, `FC 16 request with byte count ${byteCount}`);
    if (count < 1 || count > MAX_WRITE_COUNT || byteCount !== 2 * count) {
      throw new ModbusExceptionError(fc, 3, `(quantity ${count}, byte count ${byteCount}; expected 1..${MAX_WRITE_COUNT} and 2 x quantity)`);
    }
    const address = u16(pdu, 1);
    if (address + count > 0x10000) throw new ModbusExceptionError(fc, 2, `(address ${address} + quantity ${count} > 65536)`);
    const values: number[] = [];
    for (let i = 0; i < count; i++) values.push(u16(pdu, 6 + 2 * i));
    return { fc, address, values };
  }
  need(pdu, 5, `FC ${fc} request`);
  const address = u16(pdu, 1);
  const word = u16(pdu, 3);
  if (fc === 6) return { fc, address, value: word };
  if (word < 1 || word > MAX_READ_COUNT) throw new ModbusExceptionError(fc, 3, `(quantity ${word}; expected 1..${MAX_READ_COUNT})`);
  if (address + word > 0x10000) throw new ModbusExceptionError(fc, 2, `(address ${address} + quantity ${word} > 65536)`);
  return { fc, address, count: word };
}

/** Server side: the normal response to `req`; `registers` is what was read (FC 03/04). */
export function encodeResponsePdu(req: ModbusRequest, registers?: ArrayLike<number>): Uint8Array {
  switch (req.fc) {
    case 3:
    case 4: {
      if (!registers || registers.length !== req.count) {
        throw new ConfigError('modbus-response', `read of ${req.count} registers answered with ${registers?.length ?? 0}; expected ${req.count}`);
      }
      const pdu = new Uint8Array(2 + 2 * req.count);
      pdu[0] = req.fc;
      pdu[1] = 2 * req.count;
      for (let i = 0; i < req.count; i++) {
        const v = registers[i]! & 0xffff;
        pdu[2 + 2 * i] = v >> 8;
        pdu[3 + 2 * i] = v & 0xff;
      }
      return pdu;
    }
    case 6:
      return Uint8Array.of(6, req.address >> 8, req.address & 0xff, req.value >> 8, req.value & 0xff);
    case 16:
      return Uint8Array.of(16, req.address >> 8, req.address & 0xff, req.values.length >> 8, req.values.length & 0xff);
  }
}

export function encodeExceptionPdu(fc: number, code: number): Uint8Array {
  return Uint8Array.of((fc | 0x80) & 0xff, code & 0xff);
}

/**
 * Client side: decodes a response PDU to a request with function code `expectedFc`. An exception
 * response throws ModbusExceptionError; anything malformed or not matching `request` throws FrameError.
 */
export function decodeResponsePdu(input: Uint8Array, expectedFc: number, request?: ModbusRequest): ModbusResponse {
  const pdu = asBytes(input, 'response PDU');
  if (!isSupportedFc(expectedFc)) {
    throw new ConfigError('modbus-fc', `expected function code ${String(expectedFc)} is not supported; expected 3, 4, 6 or 16`);
  }
  if (request !== undefined) {
    if (typeof request !== 'object' || request === null) throw new ConfigError('modbus-request', 'request to match the response against is not an object');
    validateRequest(request);
  }
  if (pdu.length < 1) throw new FrameError('modbus-pdu-length', 'empty response PDU; expected a function code and data');
  const fc = pdu[0]!;
  if (fc === (expectedFc | 0x80)) {
    need(pdu, 2, `exception response to FC ${expectedFc}`);
    throw new ModbusExceptionError(expectedFc, pdu[1]!);
  }
  if (fc !== expectedFc) {
    throw new FrameError('modbus-fc-mismatch', `response has function code ${fc}; expected ${expectedFc} or ${expectedFc | 0x80}`, {
      received: hex(pdu),
    });
  }
  if (fc === 3 || fc === 4) {
    if (pdu.length < 2) need(pdu, 2, `FC ${fc} response`);
    const byteCount = pdu[1]!;
    const wanted = request && (request.fc === 3 || request.fc === 4) ? 2 * request.count : null;
    if (byteCount % 2 !== 0 || byteCount === 0 || byteCount > 2 * MAX_READ_COUNT || (wanted !== null && byteCount !== wanted)) {
      throw new FrameError(
        'modbus-byte-count',
        `FC ${fc} response byte count ${byteCount}; expected ${wanted ?? `an even number 2..${2 * MAX_READ_COUNT}`}`,
        { received: hex(pdu) },
      );
    }
    need(pdu, 2 + byteCount, `FC ${fc} response with byte count ${byteCount}`);
    const registers = new Uint16Array(byteCount / 2);
    for (let i = 0; i < registers.length; i++) registers[i] = u16(pdu, 2 + 2 * i);
    return { fc, registers };
  }
  need(pdu, 5, `FC ${fc} response`);
  const address = u16(pdu, 1);
  const word = u16(pdu, 3);
  if (request && request.fc === fc) {
    const echo = fc === 6 ? (request as { value: number }).value : (request as { values: number[] }).values.length;
    if (request.address !== address || echo !== word) {
      throw new FrameError(
        'modbus-echo',
        `FC ${fc} response echoes address ${address}, ${fc === 6 ? 'value' : 'quantity'} ${word}; expected ${request.address}, ${echo}`,
      );
    }
  }
  return fc === 6 ? { fc, address, value: word } : { fc, address, count: word };
}

/**
 * Length of a response PDU whose function code is at `buf[offset]`: > 0 the full length, 0 more bytes
 * are needed to tell, -1 these bytes cannot start a response.
 */
export function responsePduLength(buf: Uint8Array, offset: number): number {
  if (offset >= buf.length) return 0;
  const fc = buf[offset]!;
  if (fc & 0x80) return isSupportedFc(fc & 0x7f) ? 2 : -1;
  if (fc === 6 || fc === 16) return 5;
  if (fc === 3 || fc === 4) {
    if (offset + 1 >= buf.length) return 0;
    const bc = buf[offset + 1]!;
    return bc === 0 || bc % 2 !== 0 || bc > 2 * MAX_READ_COUNT ? -1 : 2 + bc;
  }
  return -1;
}

/** Same for a request PDU (server side). Unknown function codes give -1. */
export function requestPduLength(buf: Uint8Array, offset: number): number {
  if (offset >= buf.length) return 0;
  const fc = buf[offset]!;
  if (fc === 3 || fc === 4 || fc === 6) return 5;
  if (fc === 16) return offset + 5 < buf.length ? 6 + buf[offset + 5]! : 0;
  return -1;
}
