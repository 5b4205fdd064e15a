// An in-memory ModbusClient answering from a RegisterBank: tests the driver without sockets.
import type { ModbusClient, ReadFunctionCode, RegisterBank } from '../../../drivers/modbus-client.js';
import { systemClock, type Clock } from '../../../drivers/clock.js';
import { DeviceError } from '../../../drivers/errors.js';

export interface BankClient extends ModbusClient {
  /** Every read issued, for asserting the plan. */
  readonly log: { fc: ReadFunctionCode; address: number; count: number }[];
  /** Adds to the counters, as a transport would on CRC errors and retries. */
  bump(frameErrors: number, retries: number): void;
}

/** `clock` stamps each reply as it is answered (tests that check sample times pass their own). */
export function bankClient(bank: RegisterBank, clock: Clock = systemClock): BankClient {
  const s = { transactions: 0, frameErrors: 0, timeouts: 0, retries: 0, exceptions: 0 };
  const log: BankClient['log'] = [];
  return {
    log,
    bump(fe, r) {
      s.frameErrors += fe;
      s.retries += r;
    },
    // Through readRegisters, so that a test that replaces readRegisters (a patched reply) changes stamped reads too.
    async readRegistersStamped(unit, fc, address, count) {
      const registers = await this.readRegisters(unit, fc, address, count);
      return { registers, receivedAt: clock.now() };
    },
    async readRegisters(unit, fc, address, count) {
      s.transactions++;
      log.push({ fc, address, count });
      const r = bank.read(unit, fc, address, count);
      if (typeof r === 'number') {
        s.exceptions++;
        throw new DeviceError('modbus-exception', `exception ${r}`, { exceptionCode: r });
      }
      return r;
    },
    async writeRegister(unit, address, value) {
      bank.write(unit, address, [value]);
    },
    async writeRegisters(unit, address, values) {
      bank.write(unit, address, values);
    },
    stats: () => ({ ...s }),
    async close() {},
  };
}
