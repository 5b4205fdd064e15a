// Modbus RTU slave on a serial port (for simulators, usually one end of a socat pty pair).
// A pty delivers bytes instantly whatever the baud, so the reply is held back until the moment its last
// byte would have arrived on a real line: wire(request) + turnaround + wire(response) after the request
// arrived. Frames are cut by their expected length (known from the function code) or, for anything
// unknown, by silence. A damaged request or one for a unit this server does not own gets no reply.
import { performance } from 'node:perf_hooks';
import type { FaultSpec } from '../catalog.js';
import { TransportError } from '../errors.js';
import type { RegisterBank } from '../modbus-client.js';
import { openSerialPort } from '../serial-port.js';
import { t35Ms, wireTimeMs, type LineSettings } from '../sim/wire-timing.js';
import { answerRequest } from './answer-request.js';
import { ModbusExceptionError } from './exception.js';
import { drawFault, garbageBytes } from './fault-draw.js';
import { encodeExceptionPdu } from './pdu.js';
import { runAt, type PreciseTimer } from './precise-timer.js';
import { decodeRtuRequest, encodeRtuFrame, MAX_RTU_FRAME, rtuCrcOk, rtuRequestLength } from './rtu-frame.js';

export interface RtuServerOptions {
  path: string;
  line: LineSettings;
  bank: RegisterBank;
  /** Unit ids this server answers (default [1]); others get silence, as on RS-485. */
  unitIds?: number[];
  faults?: FaultSpec;
  /** Hold replies back by the simulated wire time (default true). */
  wireTiming?: boolean;
  /** Slave turnaround between the end of the request and the start of the reply, ms (default t3.5 of the line). */
  turnaroundMs?: number;
  random?: () => number;
}

export interface ServerStats {
  /** Intact requests received (for any unit). */
  requests: number;
  /** Replies sent (normal, exception, or deliberately damaged). */
  replies: number;
  /** Damaged request bytes dropped (bad CRC or unframeable). */
  frameErrors: number;
  /** Requests for units this server does not own, left unanswered. */
  ignored: number;
  /** Replies changed or withheld by fault injection. */
  faultsInjected: number;
}

export interface RunningModbusServer {
  /** Where it listens: "host:port" or a serial path. */
  readonly address: string;
  setFaults(f: FaultSpec): void;
  stats(): ServerStats;
  close(): Promise<void>;
}

export const emptyServerStats = (): ServerStats => ({ requests: 0, replies: 0, frameErrors: 0, ignored: 0, faultsInjected: 0 });

export async function startModbusRtuServer(opts: RtuServerOptions): Promise<RunningModbusServer & { readonly path: string }> {
  const { line, bank } = opts;
  const units = new Set(opts.unitIds ?? [1]);
  const random = opts.random ?? Math.random;
  const wireTiming = opts.wireTiming ?? true;
  const turnaround = opts.turnaroundMs ?? t35Ms(line);
  const silenceMs = Math.max(5, 3 * t35Ms(line));
  let faults: FaultSpec = { ...opts.faults };
  const stats = emptyServerStats();

  const port = await openSerialPort(opts.path, line, (m) => new TransportError('serial-open', `cannot open serial port ${opts.path}: ${m}`));
  port.on('error', () => {}); // a closed peer pty must not crash the simulator

  let rx: Buffer = Buffer.alloc(0);
  let silenceTimer: NodeJS.Timeout | null = null;
  /** When the simulated line is free again (replies are sent in order). */
  let lineFreeAt = 0;
  const replyTimers = new Set<PreciseTimer>();
  let closed = false;

  const sendAt = (at: number, bytes: Uint8Array) => {
    const t = runAt(at, () => {
      replyTimers.delete(t);
      if (!closed && port.isOpen) port.write(Buffer.from(bytes));
    });
    replyTimers.add(t);
  };

  const reply = (arrivedAt: number, requestLength: number, unit: number, pdu: Uint8Array, faultCount: number) => {
    const fault = drawFault(faults, random);
    let out: Uint8Array;
    if (fault.drop) {
      stats.faultsInjected++;
      return;
    }
    if (fault.exceptionCode !== null) {
      pdu = encodeExceptionPdu(pdu[0]! & 0x7f, fault.exceptionCode);
      faultCount++;
    }
    out = encodeRtuFrame(unit, pdu);
    if (fault.badCrc) {
      out[out.length - 1] ^= 0x5a;
      faultCount++;
    }
    if (fault.garbage !== 'none') {
      const junk = garbageBytes(random);
      out = fault.garbage === 'instead' ? junk : Uint8Array.from([...junk, ...out]);
      faultCount++;
    }
    if (faultCount > 0) stats.faultsInjected++;
    stats.replies++;
    const start = Math.max(arrivedAt + (wireTiming ? wireTimeMs(requestLength, line) : 0) + turnaround + fault.delayMs, lineFreeAt);
    const done = start + (wireTiming ? wireTimeMs(out.length, line) : 0);
    lineFreeAt = done;
    sendAt(done, out);
  };

  const handleFrame = (frame: Uint8Array, arrivedAt: number) => {
    const unit = frame[0]!;
    let pdu: Uint8Array;
    try {
      const { request } = decodeRtuRequest(frame);
      stats.requests++;
      if (unit !== 0 && !units.has(unit)) {
        stats.ignored++;
        return;
      }
      if (unit === 0) {
        // Broadcast: every unit on this server carries out a write; nobody answers (reads make no sense).
        if (request.fc === 6 || request.fc === 16) for (const u of units) answerRequest(bank, u, request);
        return;
      }
      pdu = answerRequest(bank, unit, request);
    } catch (err) {
      if (!(err instanceof ModbusExceptionError)) {
        stats.frameErrors++;
        return;
      }
      stats.requests++;
      if (unit !== 0 && !units.has(unit)) {
        stats.ignored++;
        return;
      }
      pdu = encodeExceptionPdu(err.functionCode, err.exceptionCode);
    }
    if (unit === 0) return; // a broadcast is never answered, not even with an exception
    reply(arrivedAt, frame.length, unit, pdu, 0);
  };

  // Cuts complete frames off the front of rx; returns when more bytes (or silence) are needed.
  const drain = (atSilence: boolean) => {
    const arrivedAt = performance.now();
    while (rx.length > 0) {
      const len = rtuRequestLength(rx, 0);
      if (len > 0 && len <= MAX_RTU_FRAME && rx.length >= len) {
        if (rtuCrcOk(rx, 0, len)) {
          const frame = Uint8Array.prototype.slice.call(rx, 0, len);
          rx = rx.subarray(len);
          handleFrame(frame, arrivedAt);
        } else {
          stats.frameErrors++;
          rx = rx.subarray(1); // resynchronise one byte on
        }
        continue;
      }
      if (len < 0) {
        // Not a request start: if an intact request follows further on, skip the junk in front of it now.
        const next = findRequestStart(rx);
        if (next > 0) {
          stats.frameErrors++;
          rx = rx.subarray(next);
          continue;
        }
      }
      if (!atSilence) return;
      // Silence ends a frame: an intact frame of unknown function gets exception 1, anything else is dropped.
      if (len < 0 && rx.length >= 4 && rx.length <= MAX_RTU_FRAME && rtuCrcOk(rx, 0, rx.length)) {
        handleFrame(Uint8Array.prototype.slice.call(rx), arrivedAt);
      } else {
        stats.frameErrors++;
      }
      rx = Buffer.alloc(0);
    }
  };

  port.on('data', (chunk: Buffer) => {
    rx = rx.length === 0 ? chunk : Buffer.concat([rx, chunk]);
    drain(false);
    if (silenceTimer) clearTimeout(silenceTimer);
    silenceTimer = rx.length > 0 ? setTimeout(() => ((silenceTimer = null), drain(true)), silenceMs) : null;
  });

  return {
    path: opts.path,
    address: opts.path,
    setFaults(f: FaultSpec) {
      faults = { ...f };
    },
    stats: () => ({ ...stats }),
    async close() {
      if (closed) return;
      closed = true;
      if (silenceTimer) clearTimeout(silenceTimer);
      for (const t of replyTimers) t.cancel();
      replyTimers.clear();
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    },
  };
}

/** Offset of the first complete request frame with a good CRC after offset 0, or -1. */
function findRequestStart(buf: Uint8Array): number {
  for (let i = 1; i + 1 < buf.length; i++) {
    const len = rtuRequestLength(buf, i);
    if (len > 0 && i + len <= buf.length && rtuCrcOk(buf, i, i + len)) return i;
  }
  return -1;
}
