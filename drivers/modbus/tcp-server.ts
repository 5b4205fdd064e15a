// Modbus TCP server for simulators and interop tests. Requests on one connection are answered in
// order (pipelined requests are fine); each connection has its own receive buffer. A stream that
// loses MBAP sync (protocol id not 0, impossible length) is closed, as real devices do.
import { createServer, type Server, type Socket } from 'node:net';
import type { FaultSpec } from '../catalog.js';
import { TransportError } from '../errors.js';
import type { RegisterBank } from '../modbus-client.js';
import { answerRequest } from './answer-request.js';
import { ModbusExceptionError } from './exception.js';
import { drawFault, garbageBytes } from './fault-draw.js';
import { decodeMbapHeader, encodeMbapFrame, MBAP_HEADER_LENGTH } from './mbap.js';
import { decodeRequestPdu, encodeExceptionPdu } from './pdu.js';
import { emptyServerStats, type RunningModbusServer, type ServerStats } from './rtu-server.js';

export interface TcpServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port (see the returned `port`). */
  port: number;
  bank: RegisterBank;
  /** Unit ids served; others get exception 11 (gateway target failed to respond). Default: every unit, the bank decides. */
  unitIds?: number[];
  /** crcErrorRate does not apply (TCP has no CRC); garbage breaks MBAP framing and makes the client reconnect. */
  faults?: FaultSpec;
  /** Extra delay before each reply, ms (default 0). */
  latencyMs?: number;
  random?: () => number;
}

export interface RunningTcpServer extends RunningModbusServer {
  readonly host: string;
  readonly port: number;
  /** Open connections. */
  connections(): number;
}

export async function startModbusTcpServer(opts: TcpServerOptions): Promise<RunningTcpServer> {
  const host = opts.host ?? '127.0.0.1';
  const units = opts.unitIds ? new Set(opts.unitIds) : null;
  const random = opts.random ?? Math.random;
  const latency = opts.latencyMs ?? 0;
  let faults: FaultSpec = { ...opts.faults };
  const stats: ServerStats = emptyServerStats();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const respond = (socket: Socket, bytes: Uint8Array, extraMs: number) => {
    const delay = latency + extraMs;
    if (delay <= 0) {
      socket.write(bytes);
      return;
    }
    const t = setTimeout(() => {
      timers.delete(t);
      if (!socket.destroyed) socket.write(bytes);
    }, delay);
    timers.add(t);
  };

  const handle = (socket: Socket, frame: Uint8Array) => {
    const transactionId = (frame[0]! << 8) | frame[1]!;
    const unit = frame[6]!;
    const pduIn = frame.subarray(MBAP_HEADER_LENGTH);
    stats.requests++;
    let pdu: Uint8Array;
    try {
      const request = decodeRequestPdu(pduIn);
      pdu = units && !units.has(unit) ? encodeExceptionPdu(request.fc, 11) : answerRequest(opts.bank, unit, request);
    } catch (err) {
      // An intact MBAP frame with a bad PDU: answer with the exception the request deserves.
      const code = err instanceof ModbusExceptionError ? err.exceptionCode : 3;
      pdu = encodeExceptionPdu(pduIn[0] ?? 0, code);
    }
    const fault = drawFault(faults, random);
    if (fault.drop) {
      stats.faultsInjected++;
      return;
    }
    if (fault.exceptionCode !== null) pdu = encodeExceptionPdu(pdu[0]! & 0x7f, fault.exceptionCode);
    let out = encodeMbapFrame(transactionId, unit, pdu);
    if (fault.garbage !== 'none') {
      const junk = garbageBytes(random);
      out = fault.garbage === 'instead' ? junk : Uint8Array.from([...junk, ...out]);
    }
    if (fault.exceptionCode !== null || fault.garbage !== 'none') stats.faultsInjected++;
    stats.replies++;
    respond(socket, out, fault.delayMs);
  };

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    let rx: Buffer = Buffer.alloc(0);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      rx = rx.length === 0 ? chunk : Buffer.concat([rx, chunk]);
      for (;;) {
        let header;
        try {
          header = decodeMbapHeader(rx);
        } catch {
          stats.frameErrors++;
          socket.destroy();
          return;
        }
        if (!header || rx.length < header.frameLength) return;
        const frame = Uint8Array.prototype.slice.call(rx, 0, header.frameLength);
        rx = rx.subarray(header.frameLength);
        handle(socket, frame);
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new TransportError('tcp-listen', `cannot listen on ${host}:${opts.port}: ${err.message}`)));
    server.listen(opts.port, host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;

  return {
    host,
    port,
    address: `${host}:${port}`,
    setFaults(f: FaultSpec) {
      faults = { ...f };
    },
    stats: () => ({ ...stats }),
    connections: () => sockets.size,
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
