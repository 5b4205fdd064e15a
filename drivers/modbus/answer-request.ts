// What a simulated server answers to one decoded request: the bank's registers or an exception PDU.
// Shared by the RTU and TCP servers so that both behave alike.
import type { RegisterBank } from '../modbus-client.js';
import { ModbusExceptionError } from './exception.js';
import { encodeExceptionPdu, encodeResponsePdu, type ModbusRequest } from './pdu.js';

/** Runs `request` against the bank and returns the response PDU (normal or exception). */
export function answerRequest(bank: RegisterBank, unit: number, request: ModbusRequest): Uint8Array {
  try {
    if (request.fc === 3 || request.fc === 4) {
      const r = bank.read(unit, request.fc, request.address, request.count);
      if (typeof r === 'number') return encodeExceptionPdu(request.fc, r);
      if (r.length !== request.count) return encodeExceptionPdu(request.fc, 4);
      return encodeResponsePdu(request, r);
    }
    const values = request.fc === 6 ? [request.value] : request.fc === 16 ? request.values : [];
    const code = bank.write(unit, request.address, values);
    if (typeof code === 'number' && code !== 0) return encodeExceptionPdu(request.fc, code);
    return encodeResponsePdu(request);
  } catch (err) {
    // A bank that throws is a device failure from the master's point of view.
    return encodeExceptionPdu(request.fc, err instanceof ModbusExceptionError ? err.exceptionCode : 4);
  }
}
