// Modbus exception responses (function code | 0x80, then one code byte) as a named error, so that a
// caller can tell "the meter refused this register" from "the meter did not answer".
import { DeviceError } from '../errors.js';

/** Exception codes of the Modbus application protocol v1.1b3, section 7. */
export const MODBUS_EXCEPTION_NAMES: Readonly<Record<number, string>> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  5: 'acknowledge',
  6: 'server device busy',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

export const exceptionName = (code: number): string => MODBUS_EXCEPTION_NAMES[code] ?? `unknown exception code ${code}`;

export class ModbusExceptionError extends DeviceError {
  readonly exceptionCode: number;
  readonly exceptionName: string;
  readonly functionCode: number;
  constructor(functionCode: number, exceptionCode: number, context = '') {
    const name = exceptionName(exceptionCode);
    super(
      'modbus-exception',
      `Modbus exception ${exceptionCode} (${name}) to function code ${functionCode}${context ? ` ${context}` : ''}; ` +
        `expected a normal response`,
      { functionCode, exceptionCode, exceptionName: name },
    );
    this.exceptionCode = exceptionCode;
    this.exceptionName = name;
    this.functionCode = functionCode;
  }
}
