// Modbus RTU master over a serial port. One transaction on the bus at a time; every request is preceded
// by t3.5 of silence and answered within a timeout that includes the wire time of both frames.
// Responses are assembled from 'data' events (no polling): the expected length is known from the
// function code and byte count, garbage before a frame is skipped, and a frame with a bad CRC ends the
// attempt as soon as the line falls silent. A reply must echo the unit id and the function code (or
// function | 0x80 for an exception) and carry the byte count the request asked for.
//
// RTU has no transaction id, so a reply that comes after the timeout would pass for the answer to the
// next request (the retry). After an attempt that timed out or got no valid frame, the next request to that
// unit waits until one more timeout budget has passed since the failure, dropping late bytes, then flushes the
// port's input: a reply up to one budget late is never taken for the retry's answer (libmodbus does the same).
// A reply later still is indistinguishable on the wire; docs/modbus.md states this limit.
//
// Wire timing and response timeouts run on real time (performance.now/setTimeout) because the bus is
// physical; the injected Clock is used for the back-off of dead units, which is bookkeeping.
import { performance } from 'node:perf_hooks';
import type { SerialPort } from 'serialport';
import type { Clock } from '../clock.js';
import { ConfigError, FrameError, TimeoutError, TransportError } from '../errors.js';
import { openSerialPort } from '../serial-port.js';
import { t35Ms, wireTimeMs, type LineSettings } from '../sim/wire-timing.js';
import { hex, type ModbusRequest } from './pdu.js';
import { decodeRtuResponse, encodeRtuRequest, MAX_RTU_FRAME, scanRtuResponse } from './rtu-frame.js';
import { sleepUntil } from './precise-timer.js';
import { TransactionClient, type ReceivedResponse } from './transaction-client.js';
import type { BackoffPolicy } from './unit-health.js';

export interface RtuClientOptions {
  path: string;
  line: LineSettings;
  clock: Clock;
  /** Response timeout after the request and response wire time, ms (default 300, as mbmd). */
  timeoutMs?: number;
  /** Re-sends after a timeout or damaged response (default 2). */
  retries?: number;
  backoff?: Partial<BackoffPolicy>;
}

export const DEFAULT_RTU_TIMEOUT_MS = 300;
export { DEFAULT_RETRIES } from './transaction-client.js';

/** Length of the normal response to `req`, to size the timeout. */
const responseLength = (req: ModbusRequest): number => (req.fc === 3 || req.fc === 4 ? 5 + 2 * req.count : 8);

interface Pending {
  unit: number;
  fc: number;
  /** The request as sent: RS-485 adapters with local echo hand it back first. */
  request: Uint8Array;
  onDamaged?: () => void;
  resolve(r: { frame: Uint8Array; receivedAt: number }): void;
  reject(err: Error): void;
}

export class RtuClient extends TransactionClient {
  readonly path: string;
  readonly line: LineSettings;
  private readonly port: SerialPort;
  private readonly timeoutMs: number;
  private rx: Buffer = Buffer.alloc(0);
  private pending: Pending | null = null;
  /** performance.now() when the bus was last busy (our last byte out, or the last byte in). */
  private busyUntil = 0;
  /** Set after an attempt got no valid answer: until when (performance.now()) a late reply from that unit may come. */
  private lateGuard: { unit: number; until: number } | null = null;

  private constructor(opts: RtuClientOptions, port: SerialPort) {
    super(opts.clock, opts.retries, opts.backoff);
    this.path = opts.path;
    this.line = opts.line;
    this.port = port;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_RTU_TIMEOUT_MS;
    port.on('data', (chunk: Buffer) => this.onData(chunk));
    port.on('error', (err: Error) => this.failPending(new TransportError('serial-error', `serial port ${this.path}: ${err.message}`)));
    port.on('close', () => this.failPending(new TransportError('serial-closed', `serial port ${this.path} closed during a transaction`)));
  }

  static async open(opts: RtuClientOptions): Promise<RtuClient> {
    const { line } = opts;
    if (!Number.isInteger(line.baud) || line.baud < 300 || line.baud > 4_000_000) {
      throw new ConfigError('serial-baud', `baud rate ${line.baud} is invalid; expected e.g. 9600, 19200 or 115200`);
    }
    const port = await openSerialPort(
      opts.path,
      line,
      (m) => new TransportError('serial-open', `cannot open serial port ${opts.path}: ${m}; expected an existing, free serial device`),
    );
    return new RtuClient(opts, port);
  }

  protected async release(): Promise<void> {
    if (this.port.isOpen) await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }

  private checkUnit(unit: number, req: ModbusRequest): void {
    if (!Number.isInteger(unit) || unit < 0 || unit > 247) {
      throw new ConfigError('modbus-unit', `unit id ${unit} is invalid; expected 1..247 (0 = broadcast, writes only)`);
    }
    if (unit === 0 && (req.fc === 3 || req.fc === 4)) {
      throw new ConfigError('modbus-unit', 'unit 0 is broadcast and never answers; reads need a unit id 1..247');
    }
  }

  protected async transact(unit: number, req: ModbusRequest): Promise<ReceivedResponse | null> {
    this.checkUnit(unit, req);
    const frame = encodeRtuRequest(unit, req); // validates the request before it queues
    if (this.closed) throw new TransportError('client-closed', `Modbus RTU client on ${this.path} is closed`);
    this.rejectIfBackoff(unit);
    return this.queue.run(async () => {
      this.rejectIfBackoff(unit);
      if (this.closed) throw new TransportError('client-closed', `Modbus RTU client on ${this.path} is closed`);
      this.counters.transactions++;
      if (unit === 0) {
        await this.send(frame);
        return null;
      }
      // A port that failed below the protocol is not retried; a damaged frame shows the unit is alive.
      return this.withRetries(unit, async () => {
        const got = await this.attempt(frame, unit, req);
        return { response: decodeRtuResponse(got.frame, unit, req.fc, req), receivedAt: got.receivedAt };
      }, {
        other: () => 'throw',
        damagedMeansAlive: true,
      });
    });
  }

  /**
   * Waits for t3.5 of silence after the last bus activity, then writes the frame. `armed` runs right before
   * the write, after stale bytes are dropped, so that nothing received earlier can pass for the answer.
   */
  private async send(frame: Uint8Array, armed?: () => void): Promise<void> {
    // Bytes arriving while we wait (a late reply) push the silence further out; give up waiting after a few.
    for (let i = 0; i < 5; i++) {
      const quietAt = this.busyUntil + t35Ms(this.line);
      if (quietAt <= performance.now()) break;
      await sleepUntil(quietAt);
    }
    if (!this.port.isOpen) await this.reopen();
    this.rx = Buffer.alloc(0); // bytes from before this request (late replies) belong to nobody
    armed?.();
    const start = performance.now();
    this.busyUntil = start + wireTimeMs(frame.length, this.line);
    await new Promise<void>((resolve, reject) =>
      this.port.write(Buffer.from(frame), (err) =>
        err ? reject(new TransportError('serial-write', `write to ${this.path} failed: ${err.message}`)) : resolve(),
      ),
    );
  }

  /** A USB adapter that was unplugged and plugged back comes back under the same path. */
  private reopen(): Promise<void> {
    return new Promise<void>((resolve, reject) =>
      this.port.open((err) =>
        err ? reject(new TransportError('serial-open', `serial port ${this.path} is closed and cannot be reopened: ${err.message}`)) : resolve(),
      ),
    );
  }

  /**
   * After an unanswered attempt: let a late reply arrive and be dropped (nothing is pending), then flush the port.
   * Only a request to the same unit waits: another unit's reply never matches (the unit id is checked).
   */
  private async passLateReply(unit: number): Promise<void> {
    const guard = this.lateGuard;
    this.lateGuard = null;
    if (!guard || guard.unit !== unit) return;
    if (guard.until > performance.now()) await sleepUntil(guard.until);
    if (this.port.isOpen) await new Promise<void>((resolve) => this.port.flush(() => resolve()));
    this.rx = Buffer.alloc(0);
  }

  private async attempt(frame: Uint8Array, unit: number, req: ModbusRequest): Promise<{ frame: Uint8Array; receivedAt: number }> {
    await this.passLateReply(unit);
    // A candidate frame with a bad CRC is final once the line stays quiet: do not wait for the timeout.
    // The quiet time is long enough for a genuine reply that starts right after the damaged bytes.
    const gapMs = Math.max(20, 2 * t35Ms(this.line) + wireTimeMs(responseLength(req), this.line));
    let silence: NodeJS.Timeout | null = null;
    let pending!: Pending;
    const result = new Promise<{ frame: Uint8Array; receivedAt: number }>((resolve, reject) => {
      pending = { unit, fc: req.fc, request: frame, resolve, reject };
    });
    result.catch(() => {}); // if the write itself fails, nobody awaits this
    pending.onDamaged = () => {
      if (silence) clearTimeout(silence);
      silence = setTimeout(() => {
        if (this.pending !== pending) return;
        this.failPending(
          new FrameError('rtu-crc', `unit ${unit}: response to FC ${req.fc} failed its CRC check; expected a frame with a good CRC`, {
            received: hex(this.rx.subarray(0, 64)),
          }),
        );
      }, gapMs);
    };
    let timer: NodeJS.Timeout | null = null;
    const budget = this.timeoutMs + wireTimeMs(frame.length + responseLength(req), this.line);
    try {
      await this.send(frame, () => (this.pending = pending));
      timer = setTimeout(() => {
        const got = this.rx.length;
        this.failPending(
          got > 0
            ? new FrameError('rtu-garbage', `unit ${unit}: ${got} bytes received in ${budget.toFixed(0)} ms but no valid FC ${req.fc} response; expected a frame with a good CRC`, {
                received: hex(this.rx.subarray(0, 64)),
              })
            : new TimeoutError('modbus-timeout', `unit ${unit} did not answer FC ${req.fc} within ${budget.toFixed(0)} ms on ${this.path}; expected a response`, {
                unit,
                timeoutMs: budget,
              }),
        );
      }, budget);
      return await result;
    } catch (err) {
      // No answer (a damaged one is the answer, damaged): whatever still comes must not answer the next request.
      if (err instanceof TimeoutError || (err instanceof FrameError && err.code === 'rtu-garbage')) this.lateGuard = { unit, until: performance.now() + budget };
      throw err;
    } finally {
      if (this.pending === pending) this.pending = null;
      if (timer) clearTimeout(timer);
      if (silence) clearTimeout(silence);
    }
  }

  private onData(chunk: Buffer): void {
    this.busyUntil = Math.max(this.busyUntil, performance.now());
    const p = this.pending;
    if (!p) return;
    this.rx = this.rx.length === 0 ? chunk : Buffer.concat([this.rx, chunk]);
    // Local echo of our own request. (An FC 06 reply is byte-identical to its request, so it is never skipped.)
    const from = p.fc !== 6 && startsWith(this.rx, p.request) ? p.request.length : 0;
    const scan = scanRtuResponse(from > 0 ? this.rx.subarray(from) : this.rx, p.unit, p.fc);
    if (scan.kind === 'frame') {
      if (scan.start > 0) this.counters.frameErrors++; // garbage on the line before the answer
      this.pending = null;
      // Stamped as the frame completes, before decoding (the reading's time: docs/gateway-operation.md).
      p.resolve({ frame: Uint8Array.prototype.slice.call(this.rx, from + scan.start, from + scan.end), receivedAt: this.clock.now() });
      return;
    }
    if (scan.damaged > 0) p.onDamaged?.();
    if (this.rx.length > 4 * MAX_RTU_FRAME) this.rx = this.rx.subarray(this.rx.length - 2 * MAX_RTU_FRAME);
  }

  private failPending(err: Error): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    p.reject(err);
  }
}

function startsWith(buf: Uint8Array, prefix: Uint8Array): boolean {
  if (buf.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[i] !== prefix[i]) return false;
  return true;
}

export const openRtuClient = (opts: RtuClientOptions): Promise<RtuClient> => RtuClient.open(opts);
