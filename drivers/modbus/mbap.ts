// Modbus TCP framing: the 7-byte MBAP header (transaction id, protocol id 0, length of what follows,
// unit id) in front of the PDU. No CRC: TCP already protects the bytes.
import { ConfigError, FrameError } from '../errors.js';
import {
  asBytes,
  decodeRequestPdu,
  decodeResponsePdu,
  encodeRequestPdu,
  hex,
  MAX_PDU_LENGTH,
  type ModbusRequest,
  type ModbusResponse,
} from './pdu.js';

export const MBAP_HEADER_LENGTH = 7;
/** Largest value of the length field: unit id plus the largest PDU. */
export const MAX_MBAP_LENGTH_FIELD = MAX_PDU_LENGTH + 1;

export interface MbapHeader {
  transactionId: number;
  protocolId: number;
  /** Bytes after the length field: unit id + PDU. */
  length: number;
  unit: number;
  /** Whole frame length (header + PDU). */
  frameLength: number;
}

export function encodeMbapFrame(transactionId: number, unit: number, pdu: Uint8Array): Uint8Array {
  if (!Number.isInteger(transactionId) || transactionId < 0 || transactionId > 0xffff) {
    throw new ConfigError('mbap-tid', `transaction id ${transactionId} is invalid; expected an integer 0..65535`);
  }
  if (!Number.isInteger(unit) || unit < 0 || unit > 255) {
    throw new ConfigError('modbus-unit', `unit id ${unit} is invalid; expected an integer 0..255`);
  }
  const frame = new Uint8Array(MBAP_HEADER_LENGTH + pdu.length);
  const len = pdu.length + 1;
  frame.set([transactionId >> 8, transactionId & 0xff, 0, 0, len >> 8, len & 0xff, unit]);
  frame.set(pdu, MBAP_HEADER_LENGTH);
  return frame;
}

export const encodeMbapRequest = (transactionId: number, unit: number, req: ModbusRequest): Uint8Array =>
  encodeMbapFrame(transactionId, unit, encodeRequestPdu(req));

/**
 * Reads the header at the start of `buf`; null when fewer than 7 bytes have arrived. A header that
 * cannot be Modbus (protocol id not 0, length out of range) throws FrameError: the stream has lost sync.
 */
export function decodeMbapHeader(input: Uint8Array): MbapHeader | null {
  const buf = asBytes(input, 'MBAP frame');
  if (buf.length < MBAP_HEADER_LENGTH) return null;
  const protocolId = (buf[2]! << 8) | buf[3]!;
  const length = (buf[4]! << 8) | buf[5]!;
  if (protocolId !== 0) {
    throw new FrameError('mbap-protocol', `MBAP protocol id ${protocolId}; expected 0 (Modbus)`, { received: hex(buf.subarray(0, 7)) });
  }
  if (length < 2 || length > MAX_MBAP_LENGTH_FIELD) {
    throw new FrameError('mbap-length', `MBAP length field ${length}; expected 2..${MAX_MBAP_LENGTH_FIELD}`, {
      received: hex(buf.subarray(0, 7)),
    });
  }
  return { transactionId: (buf[0]! << 8) | buf[1]!, protocolId, length, unit: buf[6]!, frameLength: 6 + length };
}

function wholeFrame(input: Uint8Array): { header: MbapHeader; pdu: Uint8Array } {
  const frame = asBytes(input, 'MBAP frame');
  const header = decodeMbapHeader(frame);
  if (!header) {
    throw new FrameError('mbap-length', `MBAP frame of ${frame.length} bytes; expected at least ${MBAP_HEADER_LENGTH}`, { received: hex(frame) });
  }
  if (frame.length !== header.frameLength) {
    throw new FrameError('mbap-length', `MBAP frame of ${frame.length} bytes; its length field says ${header.frameLength}`, {
      received: hex(frame),
    });
  }
  return { header, pdu: frame.subarray(MBAP_HEADER_LENGTH) };
}

/** Client side: decodes one complete response frame and checks it answers the expected transaction. */
export function decodeMbapResponse(
  frame: Uint8Array,
  expected: { transactionId?: number; unit: number; fc: number; request?: ModbusRequest },
): { transactionId: number; unit: number; response: ModbusResponse } {
  if (typeof expected !== 'object' || expected === null) {
    throw new ConfigError('modbus-expected', 'expected { unit, fc } to match the response against');
  }
  const { header, pdu } = wholeFrame(frame);
  if (expected.transactionId !== undefined && header.transactionId !== expected.transactionId) {
    throw new FrameError('mbap-tid-mismatch', `response has transaction id ${header.transactionId}; expected ${expected.transactionId}`);
  }
  if (header.unit !== expected.unit) {
    throw new FrameError('mbap-unit-mismatch', `response from unit ${header.unit}; expected unit ${expected.unit}`);
  }
  return { transactionId: header.transactionId, unit: header.unit, response: decodeResponsePdu(pdu, expected.fc, expected.request) };
}

/** Server side: decodes one complete request frame (ModbusExceptionError when it is intact but unsupported). */
export function decodeMbapRequest(frame: Uint8Array): { transactionId: number; unit: number; request: ModbusRequest } {
  const { header, pdu } = wholeFrame(frame);
  return { transactionId: header.transactionId, unit: header.unit, request: decodeRequestPdu(pdu) };
}
