// Modbus TCP client over node:net with MBAP framing.
// Requests are serialized: one in flight per connection. Many meters and RTU gateways behind TCP
// handle only one transaction at a time and some answer pipelined requests out of order or not at all,
// and a metering poll is latency-bound anyway. Transaction ids still increment and are checked, so a
// late answer to a timed-out request is discarded instead of being taken for the next one.
// The connection is opened on first use and reopened after a drop or a framing error.
import { Socket } from 'node:net';
import type { Clock } from '../clock.js';
import { ConfigError, TimeoutError, TransportError } from '../errors.js';
import { decodeMbapHeader, decodeMbapResponse, encodeMbapRequest } from './mbap.js';
import type { ModbusRequest } from './pdu.js';
import { TransactionClient, type ReceivedResponse } from './transaction-client.js';
import type { BackoffPolicy } from './unit-health.js';

export interface TcpClientOptions {
  host: string;
  port: number;
  clock: Clock;
  /** Response (and connect) timeout, ms (default 1000). */
  timeoutMs?: number;
  /** Re-sends after a timeout, a dropped connection or a damaged response (default 2). */
  retries?: number;
  backoff?: Partial<BackoffPolicy>;
}

export const DEFAULT_TCP_TIMEOUT_MS = 1000;

/** Parses "host:port" (IPv6 as "[::1]:502"); the port defaults to 502. */
export function parseTcpAddress(spec: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(spec) ?? /^([^:]+)(?::(\d+))?$/.exec(spec);
  const port = m?.[2] === undefined ? 502 : Number(m[2]);
  if (!m || !m[1] || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError('tcp-address', `TCP address "${spec}" is invalid; expected host:port, e.g. 127.0.0.1:502`);
  }
  return { host: m[1], port };
}

interface Pending {
  transactionId: number;
  unit: number;
  request: ModbusRequest;
  resolve(r: ReceivedResponse): void;
  reject(e: Error): void;
}

export class TcpClient extends TransactionClient {
  readonly host: string;
  readonly port: number;
  private readonly timeoutMs: number;
  private socket: Socket | null = null;
  private connecting: Promise<Socket> | null = null;
  private rx: Buffer = Buffer.alloc(0);
  private pending: Pending | null = null;
  private nextTid = 1;
  /** Connections opened, for tests and status. */
  connects = 0;

  constructor(opts: TcpClientOptions) {
    super(opts.clock, opts.retries, opts.backoff);
    this.host = opts.host;
    this.port = opts.port;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TCP_TIMEOUT_MS;
  }

  protected async release(): Promise<void> {
    this.drop();
  }

  protected async transact(unit: number, request: ModbusRequest): Promise<ReceivedResponse> {
    if (!Number.isInteger(unit) || unit < 0 || unit > 255) {
      throw new ConfigError('modbus-unit', `unit id ${unit} is invalid; expected 0..255 (1..247 behind a gateway, often 1 or 255 for a TCP device)`);
    }
    encodeMbapRequest(0, unit, request); // validates before queueing
    this.guard(unit);
    return this.queue.run(async () => {
      this.guard(unit);
      this.counters.transactions++;
      // A dropped connection is reopened and retried, but nobody listening will not answer a retry either.
      return this.withRetries(unit, () => this.attempt(unit, request), {
        other: (err) => (!(err instanceof TransportError) ? 'throw' : err.code === 'tcp-connect' ? 'stop' : 'retry'),
        damagedMeansAlive: false,
      });
    });
  }

  private guard(unit: number): void {
    if (this.closed) throw new TransportError('client-closed', `Modbus TCP client for ${this.host}:${this.port} is closed`);
    this.rejectIfBackoff(unit);
  }

  private connect(): Promise<Socket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    this.connecting ??= new Promise<Socket>((resolve, reject) => {
      const s = new Socket();
      const timer = setTimeout(() => {
        s.destroy();
        reject(new TransportError('tcp-connect', `no TCP connection to ${this.host}:${this.port} within ${this.timeoutMs} ms; expected a Modbus TCP server there`));
      }, this.timeoutMs);
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(new TransportError('tcp-connect', `cannot connect to ${this.host}:${this.port}: ${err.message}; expected a Modbus TCP server there`));
      });
      s.connect(this.port, this.host, () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        s.setNoDelay(true);
        s.setKeepAlive(true, 10_000); // notice a half-open connection (gateway rebooted) without a request
        s.on('data', (chunk: Buffer) => this.onData(s, chunk));
        s.on('error', () => {}); // 'close' follows and does the work
        s.on('close', () => {
          if (this.socket !== s) return; // dropped on purpose; a newer connection may carry the pending request
          this.socket = null;
          this.fail(new TransportError('tcp-closed', `connection to ${this.host}:${this.port} closed before the response; expected a response`));
        });
        this.socket = s;
        this.rx = Buffer.alloc(0);
        this.connects++;
        resolve(s);
      });
    }).finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async attempt(unit: number, request: ModbusRequest): Promise<ReceivedResponse> {
    const socket = await this.connect();
    const transactionId = this.nextTid;
    this.nextTid = (this.nextTid + 1) & 0xffff;
    const result = new Promise<ReceivedResponse>((resolve, reject) => {
      this.pending = { transactionId, unit, request, resolve, reject };
    });
    const timer = setTimeout(() => {
      // Part of a frame is waiting in the buffer: the stream position is lost, start a new connection.
      if (this.rx.length > 0) this.drop();
      this.fail(
          new TimeoutError('modbus-timeout', `unit ${unit} at ${this.host}:${this.port} did not answer FC ${request.fc} within ${this.timeoutMs} ms; expected a response`, {
            unit,
            timeoutMs: this.timeoutMs,
          }),
      );
    }, this.timeoutMs);
    socket.write(encodeMbapRequest(transactionId, unit, request));
    try {
      return await result;
    } finally {
      clearTimeout(timer);
    }
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    // The reply is stamped when its last chunk is handed over, before decoding (and before the caller resumes).
    const receivedAt = this.clock.now();
    this.rx = this.rx.length === 0 ? chunk : Buffer.concat([this.rx, chunk]);
    for (;;) {
      let header;
      try {
        header = decodeMbapHeader(this.rx);
      } catch (err) {
        // Lost sync with the byte stream: only a new connection can restore it.
        this.drop();
        this.fail(err as Error);
        return;
      }
      if (!header || this.rx.length < header.frameLength) return;
      const frame = this.rx.subarray(0, header.frameLength);
      this.rx = this.rx.subarray(header.frameLength);
      const p = this.pending;
      if (!p || header.transactionId !== p.transactionId) continue; // a late answer to an abandoned request
      this.pending = null;
      try {
        p.resolve({ response: decodeMbapResponse(frame, { transactionId: p.transactionId, unit: p.unit, fc: p.request.fc, request: p.request }).response, receivedAt });
      } catch (err) {
        p.reject(err as Error);
      }
    }
  }

  private fail(err: Error): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    p.reject(err);
  }

  private drop(): void {
    const s = this.socket;
    this.socket = null;
    s?.destroy();
  }
}

export function openTcpClient(opts: TcpClientOptions): TcpClient {
  return new TcpClient(opts);
}
