// Register-level access to an ATM90E26 over its UART: one request, one reply, with retries for reads
// that are safe to repeat. Read-and-clear energy registers get their own path (readAndClear) because a
// blind retry after the chip has answered would lose the energy it cleared.
//
// The UART frames carry no request id, so a reply that comes late could pass for the answer to the next request.
// Two rules (docs/uart-chips.md "Late replies"): a read-and-clear waits for its reply for `lateReplyMs` (default
// 1000 ms), not just `timeoutMs`, and takes a late reply as its answer (the chip cleared the register when the
// request arrived, so that reply holds energy found nowhere else); and after any request that got no reply, no new
// request goes out until `lateReplyMs` after it was sent, and what arrived meanwhile is dropped.
import type { ConnectionSpec } from '../../catalog.js';
import { AmsgateError, FrameError, TimeoutError } from '../../errors.js';
import type { LineSettings } from '../../sim/wire-timing.js';
import { wireTimeMs } from '../../sim/wire-timing.js';
import { lineOf, serialOnly } from '../serial-connection.js';
import { performance } from 'node:perf_hooks';
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
  /** Reply timeout of an ordinary read or write (default 100 ms). */
  timeoutMs?: number;
  retries?: number;
  /** How long a reply may still come after its request (default 1000 ms, at least timeoutMs); see the top of the file. */
  lateReplyMs?: number;
}

export const DEFAULT_ATM90E26_LATE_REPLY_MS = 1000;

export interface Atm90e26Stats {
  transactions: number;
  frameErrors: number;
  timeouts: number;
  retries: number;
  /** Read-and-clear values recovered from LastData after a garbled reply. */
  recovered: number;
  /** Read-and-clear replies that came after timeoutMs (within lateReplyMs) and were accounted. */
  lateReplies: number;
}

export class Atm90e26Client implements Atm90e26Registers {
  readonly stats: Atm90e26Stats = { transactions: 0, frameErrors: 0, timeouts: 0, retries: 0, recovered: 0, lateReplies: 0 };
  /** performance.now() before which a reply to an unanswered request may still arrive. */
  private quietAt = 0;

  constructor(readonly line: SerialLine, private readonly o: Atm90e26ClientOptions = {}) {}

  static async open(conn: ConnectionSpec, o: Atm90e26ClientOptions = {}): Promise<Atm90e26Client> {
    return new Atm90e26Client(await SerialLine.open(lineOf(serialOnly(conn, 'ATM90E26'), ATM90E26_LINE)), o);
  }

  private get timeoutMs(): number {
    return this.o.timeoutMs ?? 100;
  }

  private get lateReplyMs(): number {
    return Math.max(this.timeoutMs, this.o.lateReplyMs ?? DEFAULT_ATM90E26_LATE_REPLY_MS);
  }

  /** Sends a request once no reply to an earlier one can still come; drops what arrived before. Returns the send time. */
  private async send(frame: Uint8Array): Promise<number> {
    const wait = this.quietAt - performance.now();
    if (wait > 0) await lineDelay(wait);
    this.line.flushInput();
    const sentAt = performance.now();
    await this.line.write(frame);
    return sentAt;
  }

  /** Bookkeeping of a failed transaction; after silence, holds the next request back until a late reply has passed. */
  private failed(e: unknown, sentAt: number): void {
    if (e instanceof FrameError) this.stats.frameErrors++;
    if (e instanceof TimeoutError) {
      this.stats.timeouts++;
      this.quietAt = Math.max(this.quietAt, sentAt + this.lateReplyMs);
    }
  }

  /** One read transaction, no retry, waiting `waitMs` for the reply. */
  private async readOnce(addr: number, waitMs = this.timeoutMs): Promise<number> {
    this.stats.transactions++;
    const sentAt = await this.send(encodeAtm90e26Read(addr));
    try {
      return decodeAtm90e26ReadReply(await this.line.read(3, waitMs, `ATM90E26 register 0x${addr.toString(16)} reply`));
    } catch (e) {
      this.failed(e, sentAt);
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
   * still in LastData (0x06), which is read instead. The reply is awaited for lateReplyMs, not timeoutMs: a late
   * reply is the answer. Only when nothing at all came back by then is the request taken as lost (the chip never
   * saw it) and sent again.
   */
  async readAndClear(addr: number): Promise<number> {
    const attempts = 1 + (this.o.retries ?? 2);
    let last: unknown;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) this.stats.retries++;
      try {
        const started = performance.now();
        const v = await this.readOnce(addr, this.lateReplyMs);
        if (performance.now() - started > this.timeoutMs) this.stats.lateReplies++;
        return v;
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
      const sentAt = await this.send(encodeAtm90e26Write(addr, value));
      try {
        checkAtm90e26WriteAck(await this.line.read(1, this.timeoutMs, `ATM90E26 write 0x${addr.toString(16)} acknowledgement`), addr, value);
      } catch (e) {
        this.failed(e, sentAt);
        throw e;
      }
    });
  }

  close(): Promise<void> {
    return this.line.close();
  }
}
