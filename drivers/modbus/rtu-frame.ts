// Modbus RTU application data unit: unit id, PDU, CRC-16 low byte first. Pure functions only; the
// stream side (where a frame starts and ends in a byte stream) is here too so it can be tested without a port.
import { ConfigError, FrameError } from '../errors.js';
import { crc16Modbus } from './crc16.js';
import {
  asBytes,
  decodeRequestPdu,
  decodeResponsePdu,
  encodeRequestPdu,
  hex,
  isSupportedFc,
  MAX_PDU_LENGTH,
  requestPduLength,
  responsePduLength,
  type ModbusRequest,
  type ModbusResponse,
} from './pdu.js';

/** Smallest RTU frame: unit, function code, one data byte (an exception code), two CRC bytes. */
export const MIN_RTU_FRAME = 5;
export const MAX_RTU_FRAME = MAX_PDU_LENGTH + 3;

function checkUnit(unit: unknown, what: string, allowBroadcast: boolean): number {
  const lo = allowBroadcast ? 0 : 1;
  if (typeof unit !== 'number' || !Number.isInteger(unit) || unit < lo || unit > 247) {
    throw new ConfigError('modbus-unit', `${what} ${String(unit)} is invalid; expected an integer ${lo}..247`);
  }
  return unit;
}

export function encodeRtuFrame(unit: number, pdu: Uint8Array): Uint8Array {
  checkUnit(unit, 'unit id', true);
  const frame = new Uint8Array(pdu.length + 3);
  frame[0] = unit;
  frame.set(pdu, 1);
  const crc = crc16Modbus(frame, 0, pdu.length + 1);
  frame[pdu.length + 1] = crc & 0xff;
  frame[pdu.length + 2] = crc >> 8;
  return frame;
}

export const encodeRtuRequest = (unit: number, req: ModbusRequest): Uint8Array => encodeRtuFrame(unit, encodeRequestPdu(req));

/** True when the last two bytes are the CRC of the rest. */
export function rtuCrcOk(frame: Uint8Array, start = 0, end = frame.length): boolean {
  if (!(frame instanceof Uint8Array) || !Number.isInteger(start) || !Number.isInteger(end)) return false;
  if (start < 0 || end > frame.length || end - start < 3) return false;
  const crc = crc16Modbus(frame, start, end - 2);
  return frame[end - 2] === (crc & 0xff) && frame[end - 1] === crc >> 8;
}

/** Checks length and CRC of a whole frame and returns its PDU (a view, no copy). */
export function checkRtuFrame(input: Uint8Array): { unit: number; pdu: Uint8Array } {
  const frame = asBytes(input, 'RTU frame');
  if (frame.length < MIN_RTU_FRAME || frame.length > MAX_RTU_FRAME) {
    throw new FrameError('rtu-length', `RTU frame of ${frame.length} bytes; expected ${MIN_RTU_FRAME}..${MAX_RTU_FRAME} bytes`, {
      received: hex(frame),
    });
  }
  const crc = crc16Modbus(frame, 0, frame.length - 2);
  const got = frame[frame.length - 2]! | (frame[frame.length - 1]! << 8);
  if (crc !== got) {
    throw new FrameError(
      'rtu-crc',
      `RTU CRC 0x${got.toString(16).padStart(4, '0')} received; expected 0x${crc.toString(16).padStart(4, '0')} for these bytes`,
      { received: hex(frame), expectedCrc: crc, receivedCrc: got },
    );
  }
  return { unit: frame[0]!, pdu: frame.subarray(1, frame.length - 2) };
}

/**
 * Client side: decodes one complete response frame. Throws FrameError (length, CRC, unit or function
 * mismatch, malformed PDU) or ModbusExceptionError (an exception response).
 */
export function decodeRtuResponse(frame: Uint8Array, expectedUnit: number, expectedFc: number, request?: ModbusRequest): ModbusResponse {
  checkUnit(expectedUnit, 'expected unit id', false);
  if (!isSupportedFc(expectedFc)) {
    throw new ConfigError('modbus-fc', `expected function code ${String(expectedFc)} is not supported; expected 3, 4, 6 or 16`);
  }
  const { unit, pdu } = checkRtuFrame(frame);
  if (unit !== expectedUnit) {
    throw new FrameError('rtu-unit-mismatch', `response from unit ${unit}; expected unit ${expectedUnit}`, { received: hex(frame) });
  }
  return decodeResponsePdu(pdu, expectedFc, request);
}

/**
 * Server side: decodes one complete request frame. Throws FrameError when the frame is damaged (a server
 * must stay silent then) and ModbusExceptionError when it is intact but asks for something unsupported
 * (the server answers with that exception code).
 */
export function decodeRtuRequest(frame: Uint8Array): { unit: number; request: ModbusRequest } {
  const { unit, pdu } = checkRtuFrame(frame);
  return { unit, request: decodeRequestPdu(pdu) };
}

/** The PDU length rule applied after the unit byte, plus unit and CRC. */
function rtuFrameLength(input: Uint8Array, start: number, pduLength: (buf: Uint8Array, at: number) => number): number {
  const buf = asBytes(input, 'RTU stream');
  if (!Number.isInteger(start) || start < 0) return -1;
  if (start + 1 >= buf.length) return 0;
  const n = pduLength(buf, start + 1);
  return n > 0 ? n + 3 : n;
}

/** Full length of the response frame starting at buf[start]: > 0 length, 0 need more bytes, -1 not a response start. */
export function rtuResponseLength(input: Uint8Array, start = 0): number {
  return rtuFrameLength(input, start, responsePduLength);
}

/** Full length of the request frame starting at buf[start] (server side), same convention. */
export function rtuRequestLength(input: Uint8Array, start = 0): number {
  return rtuFrameLength(input, start, requestPduLength);
}

export type RtuScan =
  /** A frame with a good CRC from the expected unit and function: bytes before `start` are garbage. */
  | { kind: 'frame'; start: number; end: number }
  /** No good frame yet; `damaged` counts complete candidates whose CRC failed. */
  | { kind: 'none'; damaged: number };

/**
 * Finds the first response to (unit, fc) with a valid CRC in `buf`, skipping garbage before it. A
 * candidate is any position holding the unit id and fc (or fc | 0x80) whose announced length fits.
 */
export function scanRtuResponse(input: Uint8Array, unit: number, fc: number): RtuScan {
  const buf = asBytes(input, 'RTU stream');
  let damaged = 0;
  for (let i = 0; i + 1 < buf.length; i++) {
    if (buf[i] !== unit || (buf[i + 1]! & 0x7f) !== fc) continue;
    const len = rtuResponseLength(buf, i);
    if (len <= 0 || i + len > buf.length) continue;
    if (rtuCrcOk(buf, i, i + len)) return { kind: 'frame', start: i, end: i + len };
    damaged++;
  }
  return { kind: 'none', damaged };
}
