// Register-level access to an ATM90E26 over its UART: one request, one reply, with retries for reads
// that are safe to repeat. Read-and-clear energy registers get their own path (readAndClear) because a
// blind retry after the chip has answered would lose the energy it cleared.
import type { ConnectionSpec } from '../../catalog.js';
import { AmsgateError, FrameError, TimeoutError } from '../../errors.js';
import type { LineSettings } from '../../sim/wire-timing.js';
import { wireTimeMs } from '../../sim/wire-timing.js';
import { lineOf, serialOnly } from '../serial-connection.js';
import { SerialLine, lineDelay } from '../serial-line.js';
import { checkAtm90e26WriteAck, decodeAtm90e26ReadReply, encodeAtm90e26Read, encodeAtm90e26Write } from './codec.js';
import { ATM90E26_REG } from './registers.js';

/**
 * [U] The ATM90E26 UART baud rate (2400 or 9600, set by pins) is not verified (standards.md §4.6/§9);
 * 9600 8N1 is assumed here and in the simulator. Change it in this one place.
 */
export const ATM90E26_LINE: LineSettings = { baud: 9600, parity: 'none', dataBits: 8, stopBits: 1 };

/** What calibration.ts and the driver need: register reads and writes. */
export interface Atm90e26Registers {
  readRegister(addr: number): Promise<number>;
  writeRegister(addr: number, value: number): Promise<void>;
}

export interface Atm90e26ClientOptions {
  timeoutMs?: number;
  retries?: number;
}

export interface Atm90e26Stats {
  transactions: number;
  frameErrors: number;
  timeouts: number;
  retries: number;
  /** Read-and-clear values recovered from LastData after a garbled reply. */
  recovered: number;
}

export class Atm90e26Client implements Atm90e26Registers {
  readonly stats: Atm90e26Stats = { transactions: 0, frameErrors: 0, timeouts: 0, retries: 0, recovered: 0 };

  constructor(readonly line: SerialLine, private readonly o: Atm90e26ClientOptions = {}) {}

  static async open(conn: ConnectionSpec, o: Atm90e26ClientOptions = {}): Promise<Atm90e26Client> {
    return new Atm90e26Client(await SerialLine.open(lineOf(serialOnly(conn, 'ATM90E26'), ATM90E26_LINE)), o);
  }

  private get timeoutMs(): number {
    return this.o.timeoutMs ?? 100;
  }

  /** One read transaction, no retry. */
  private async readOnce(addr: number): Promise<number> {
    this.stats.transactions++;
    this.line.flushInput();
    await this.line.write(encodeAtm90e26Read(addr));
    try {
      return decodeAtm90e26ReadReply(await this.line.read(3, this.timeoutMs, `ATM90E26 register 0x${addr.toString(16)} reply`));
    } catch (e) {
      if (e instanceof FrameError) this.stats.frameErrors++;
      if (e instanceof TimeoutError) this.stats.timeouts++;
      // Let any rest of a garbled reply pass before the next request.
      if (e instanceof AmsgateError) await lineDelay(wireTimeMs(3, this.line.options));
      throw e;
    }
  }

  private async withRetries<T>(fn: () => Promise<T>): Promise<T> {
    const attempts = 1 + (this.o.retries ?? 2);
    let last: unknown;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) this.stats.retries++;
      try {
        return await fn();
      } catch (e) {
        if (!(e instanceof FrameError || e instanceof TimeoutError)) throw e;
        last = e;
      }
    }
    throw last;
  }

  /** Reads a register that is safe to read twice (everything except the energy registers). */
  readRegister(addr: number): Promise<number> {
    return this.withRetries(() => this.readOnce(addr));
  }

  /**
   * Reads a read-and-clear energy register without losing energy. If the chip answered but the reply was
   * garbled (bad checksum, or a partial reply), the chip has already cleared the register; its value is
   * still in LastData (0x06), which is read instead. Only when nothing at all came back is the request
   * taken as lost (the chip never saw it) and sent again.
   */
  async readAndClear(addr: number): Promise<number> {
    const attempts = 1 + (this.o.retries ?? 2);
    let last: unknown;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) this.stats.retries++;
      try {
        return await this.readOnce(addr);
      } catch (e) {
        const answered = e instanceof FrameError || (e instanceof TimeoutError && Number(e.context.received ?? 0) > 0);
        if (answered) {
          try {
            const v = await this.readRegister(ATM90E26_REG.LastData);
            this.stats.recovered++;
            return v;
          } catch (e2) {
            // The value is still in LastData until the next read: the caller must fetch it first thing.
            if (e2 instanceof AmsgateError) e2.context.lastDataPending = true;
            throw e2;
          }
        }
        if (!(e instanceof TimeoutError)) throw e;
        last = e;
      }
    }
    throw last;
  }

  writeRegister(addr: number, value: number): Promise<void> {
    return this.withRetries(async () => {
      this.stats.transactions++;
      this.line.flushInput();
      await this.line.write(encodeAtm90e26Write(addr, value));
      try {
        checkAtm90e26WriteAck(await this.line.read(1, this.timeoutMs, `ATM90E26 write 0x${addr.toString(16)} acknowledgement`), addr, value);
      } catch (e) {
        if (e instanceof FrameError) this.stats.frameErrors++;
        if (e instanceof TimeoutError) this.stats.timeouts++;
        throw e;
      }
    });
  }

  close(): Promise<void> {
    return this.line.close();
  }
}
