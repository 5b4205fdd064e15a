// A serial port as the UART drivers and simulators need it: write-and-drain, read exactly N bytes with a
// timeout, or read until a condition holds. Line timeouts use real time on purpose: the wire runs in
// real time even when a simulated calendar (the injected Clock) runs faster.
import type { SerialPort } from 'serialport';
import { TimeoutError, TransportError } from '../errors.js';
import type { Parity } from '../catalog.js';
import { openSerialPort } from '../serial-port.js';

export interface LineOptions {
  path: string;
  baud: number;
  parity: Parity;
  dataBits: 7 | 8;
  stopBits: 1 | 2;
}

type Waiter = { check: () => boolean; timer: NodeJS.Timeout; reject: (e: Error) => void };

/**
 * A timeout timer that fires this much later than asked says the process was not running (a loaded machine): the
 * reply may be sitting in the kernel's buffer, behind the timer in the event loop's order. Such a timeout is
 * checked once more after a short grace instead of being taken as silence (and a retry then reading that reply as
 * the answer to the next request, one request late).
 */
const LATE_TIMER_MS = 20;
const LATE_GRACE_MS = 50;

export class SerialLine {
  private buf: Buffer = Buffer.alloc(0);
  /** performance.now() until which a reply to a timed-out read may still arrive (0: none pending). */
  private lateUntil = 0;
  private waiter: Waiter | null = null;
  private listeners: ((chunk: Buffer) => void)[] = [];
  private closed = false;
  /** Upper bound on unread bytes kept; older bytes are dropped (a streaming chip never stops). */
  maxBuffered = 64 * 1024;
  /** False when only onData listeners consume input (simulators), so nothing piles up for read(). */
  buffering = true;

  private constructor(readonly port: SerialPort, readonly options: LineOptions) {
    port.on('data', (chunk: Buffer) => {
      for (const l of this.listeners) l(chunk);
      if (!this.buffering) return;
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      if (this.buf.length > this.maxBuffered) this.buf = this.buf.subarray(this.buf.length - this.maxBuffered);
      this.waiter?.check();
    });
    port.on('error', () => {});
    port.on('close', () => {
      this.closed = true;
      this.waiter?.reject(new TransportError('closed', `serial port ${options.path} closed`));
    });
  }

  static async open(o: LineOptions): Promise<SerialLine> {
    const port = await openSerialPort(
      o.path,
      o,
      (m) => new TransportError('open', `cannot open serial port ${o.path}: ${m} (expected an existing tty such as /dev/ttyUSB0 or a socat pty link)`),
    );
    return new SerialLine(port, o);
  }

  /** Raw byte listener (streaming chips); bytes are still buffered for read(). */
  onData(l: (chunk: Buffer) => void): void {
    this.listeners.push(l);
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.closed) throw new TransportError('closed', `serial port ${this.options.path} is closed`);
    await this.outwaitLateReply();
    await new Promise<void>((resolve, reject) =>
      this.port.write(Buffer.from(bytes), (err) => (err ? reject(new TransportError('write', `write to ${this.options.path} failed: ${err.message}`)) : resolve())),
    );
    await new Promise<void>((resolve) => this.port.drain(() => resolve()));
  }

  /**
   * After a read timed out, the reply may still come: the next request waits until one more timeout has passed
   * since then and drops what arrived, so that a reply up to one timeout late is never taken for the next
   * request's answer (the Modbus RTU client does the same, rtu-client.ts). A reply later still cannot be told apart.
   */
  private async outwaitLateReply(): Promise<void> {
    if (this.lateUntil === 0) return;
    const wait = this.lateUntil - performance.now();
    this.lateUntil = 0;
    if (wait > 0) await lineDelay(wait);
    this.flushInput();
  }

  /** Drops unread input (before a new request, so that a late reply cannot be taken for the next one). */
  flushInput(): void {
    this.buf = Buffer.alloc(0);
  }

  get buffered(): number {
    return this.buf.length;
  }

  /** Resolves with exactly n bytes, or throws TimeoutError naming how many arrived. */
  read(n: number, timeoutMs: number, what = 'reply'): Promise<Uint8Array> {
    return this.readUntil((b) => (b.length >= n ? n : null), timeoutMs, `${what} (${n} bytes)`);
  }

  /**
   * Waits until `complete(buffer)` returns a length; resolves with that many bytes taken from the buffer.
   * Only one read may be pending at a time (requests on a serial line are sequential).
   */
  readUntil(complete: (b: Uint8Array) => number | null, timeoutMs: number, what: string): Promise<Uint8Array> {
    if (this.waiter) throw new TransportError('busy', `a read is already pending on ${this.options.path}`);
    return new Promise<Uint8Array>((resolve, reject) => {
      const started = performance.now();
      let graced = false;
      const done = (): void => {
        clearTimeout(w.timer);
        this.waiter = null;
      };
      const expire = (): void => {
        const lateMs = performance.now() - started - timeoutMs;
        if (!graced && lateMs > LATE_TIMER_MS) {
          graced = true;
          w.timer = setTimeout(expire, LATE_GRACE_MS);
          return;
        }
        done();
        this.lateUntil = performance.now() + timeoutMs;
        reject(
          new TimeoutError('timeout', `no complete ${what} from ${this.options.path} within ${timeoutMs} ms (${this.buf.length} bytes arrived)`, {
            received: this.buf.length,
          }),
        );
      };
      const w: Waiter = {
        check: () => {
          const n = complete(this.buf);
          if (n === null) return false;
          const out = Uint8Array.from(this.buf.subarray(0, n));
          this.buf = this.buf.subarray(n);
          done();
          resolve(out);
          return true;
        },
        timer: setTimeout(expire, timeoutMs),
        reject: (e) => {
          done();
          reject(e);
        },
      };
      this.waiter = w;
      if (this.closed) w.reject(new TransportError('closed', `serial port ${this.options.path} is closed`));
      else w.check();
    });
  }

  /** Changes the baud rate (IEC 62056-21 switches after the option select). */
  async setBaud(baud: number): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.port.update({ baudRate: baud }, (err) => (err ? reject(new TransportError('baud', `cannot set ${baud} baud on ${this.options.path}: ${err.message}`)) : resolve())),
    );
    this.options.baud = baud;
  }

  async close(): Promise<void> {
    if (this.waiter) this.waiter.reject(new TransportError('closed', `serial port ${this.options.path} closed while reading`));
    if (!this.port.isOpen) return;
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
    this.closed = true;
  }
}

/** Real-time pause (wire time, turnaround): see the note at the top of this file. */
export const lineDelay = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
