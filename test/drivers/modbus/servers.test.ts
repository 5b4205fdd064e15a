// Server behaviour seen from raw bytes: what an RTU slave must stay silent to, what it answers, broadcasts,
// and a TCP server answering pipelined requests in order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Socket } from 'node:net';
import { SerialPort } from 'serialport';
import { MemoryRegisterBank } from '../../../drivers/modbus/memory-bank.js';
import { encodeMbapRequest } from '../../../drivers/modbus/mbap.js';
import { encodeRtuFrame, encodeRtuRequest } from '../../../drivers/modbus/rtu-frame.js';
import { startModbusRtuServer, type RunningModbusServer, type ServerStats } from '../../../drivers/modbus/rtu-server.js';
import { startModbusTcpServer } from '../../../drivers/modbus/tcp-server.js';
import type { LineSettings } from '../../../drivers/sim/wire-timing.js';
import { openPtyPair } from '../../helpers/pty-pair.js';
import { waitFor } from '../../helpers/wait-for.js';

const line: LineSettings = { baud: 19200, dataBits: 8, parity: 'even', stopBits: 1 };

/** Sends raw bytes and resolves with the reply once `n` bytes came back. */
async function exchange(port: SerialPort, bytes: Uint8Array, n: number): Promise<number[]> {
  const got: number[] = [];
  const on = (c: Buffer) => got.push(...c);
  port.on('data', on);
  try {
    port.write(Buffer.from(bytes));
    await waitFor(() => got.length >= n, `a ${n}-byte reply (got ${got.length})`);
    return got;
  } finally {
    port.off('data', on);
  }
}

/**
 * Sends raw bytes and resolves with what came back once the server has dealt with them (`handled` holds on its
 * stats) without scheduling a reply: replies are counted when scheduled, so an unchanged count means silence.
 */
async function silence(port: SerialPort, server: RunningModbusServer, bytes: Uint8Array, handled: (s: ServerStats) => boolean): Promise<number[]> {
  const got: number[] = [];
  const on = (c: Buffer) => got.push(...c);
  const replies = server.stats().replies;
  port.on('data', on);
  try {
    port.write(Buffer.from(bytes));
    await waitFor(() => handled(server.stats()), 'the server to handle the request');
    assert.is(server.stats().replies, replies, 'no reply was scheduled');
    return got;
  } finally {
    port.off('data', on);
  }
}

test('RTU server: silent to damaged frames and other units, exception 1 to unknown functions, broadcasts executed', async () => {
  const pair = await openPtyPair();
  const bank = new MemoryRegisterBank([5]);
  bank.set(5, 'holding', 0, [0, 0]);
  bank.set(5, 'input', 0, [0x4366, 0]);
  const server = await startModbusRtuServer({ path: pair.b, line, bank, unitIds: [5] });
  const port = new SerialPort({ path: pair.a, baudRate: line.baud, parity: line.parity });
  await new Promise((r) => port.once('open', r));
  try {
    const good = encodeRtuRequest(5, { fc: 4, address: 0, count: 2 });
    const answer = [...encodeRtuFrame(5, Uint8Array.of(4, 4, 0x43, 0x66, 0, 0))];
    assert.equal(await exchange(port, good, answer.length), answer);

    // A damaged frame is dropped byte by byte until the line falls silent; the stats show when it is all gone.
    const damaged = good.slice();
    damaged[3] ^= 0x01;
    const errorsBefore = server.stats().frameErrors;
    assert.equal(await silence(port, server, damaged, (s) => s.frameErrors > errorsBefore), [], 'a frame with a bad CRC gets no reply');

    const ignored = (s: ServerStats) => s.ignored === 1;
    assert.equal(await silence(port, server, encodeRtuRequest(9, { fc: 4, address: 0, count: 2 }), ignored), [], 'another unit gets no reply');

    const fc43 = encodeRtuFrame(5, Uint8Array.of(0x2b, 0x0e, 1, 0)); // read device identification: not supported
    const refusal = [...encodeRtuFrame(5, Uint8Array.of(0xab, 1))];
    assert.equal(await exchange(port, fc43, refusal.length), refusal);

    const broadcast = encodeRtuRequest(0, { fc: 6, address: 1, value: 77 });
    assert.equal(await silence(port, server, broadcast, () => bank.get(5, 'holding', 1) === 77), [], 'broadcasts are not answered, but executed');

    // Garbage in front of a request is skipped and the request still answered.
    const withJunk = Uint8Array.from([0xff, 0x00, ...good]);
    assert.equal(await exchange(port, withJunk, answer.length), answer);
  } finally {
    await new Promise((r) => port.close(r));
    await server.close();
    await pair.close();
  }
});

test('RTU server fault injection is deterministic for a seeded random', async () => {
  const run = async () => {
    const pair = await openPtyPair();
    const bank = new MemoryRegisterBank([1]);
    bank.set(1, 'input', 0, [1, 2]);
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const server = await startModbusRtuServer({
      path: pair.b,
      line,
      bank,
      wireTiming: false,
      turnaroundMs: 0,
      faults: { crcErrorRate: 0.3, timeoutRate: 0.2, garbageRate: 0.2 },
      random,
    });
    const port = new SerialPort({ path: pair.a, baudRate: line.baud, parity: line.parity });
    await new Promise((r) => port.once('open', r));
    // Compare the whole reply stream: how it splits into per-request windows depends on machine load.
    const got: number[] = [];
    port.on('data', (c: Buffer) => got.push(...c));
    const request = encodeRtuRequest(1, { fc: 4, address: 0, count: 2 });
    try {
      for (let i = 0; i < 12; i++) {
        port.write(Buffer.from(request));
        await waitFor(() => server.stats().requests === i + 1, `request ${i + 1} to be handled`);
      }
      const stats = server.stats();
      // Replies go out in order: once a fault-free last reply has arrived, every reply before it has too.
      server.setFaults({});
      // A value no earlier reply carries, so its arrival cannot be mistaken for a pending reply's.
      bank.set(1, 'input', 0, [3, 4]);
      const last = Buffer.from(encodeRtuFrame(1, Uint8Array.of(4, 4, 0, 3, 0, 4))).toString('hex');
      port.write(Buffer.from(request));
      await waitFor(() => Buffer.from(got).toString('hex').endsWith(last), 'the fault-free last reply');
      const bytes = Buffer.from(got).toString('hex');
      return { bytes: bytes.slice(0, bytes.length - last.length), stats };
    } finally {
      await new Promise((r) => port.close(r));
      await server.close();
      await pair.close();
    }
  };
  const a = await run();
  const b = await run();
  assert.equal(a, b);
  assert.ok(a.stats.faultsInjected > 0 && a.stats.faultsInjected < 12, JSON.stringify(a.stats));
  assert.ok(a.stats.replies < 12, 'some requests were dropped');
  assert.ok(a.bytes.length > 0);
});

test('TCP server answers pipelined requests in order and closes a stream that lost sync', async () => {
  const bank = new MemoryRegisterBank([1]);
  bank.set(1, 'input', 0, [10, 11, 12, 13]);
  const server = await startModbusTcpServer({ port: 0, bank });
  const s = new Socket();
  await new Promise<void>((r) => s.connect(server.port, '127.0.0.1', r));
  try {
    const got: number[] = [];
    s.on('data', (c) => got.push(...c));
    s.write(Buffer.concat([0, 1, 2].map((i) => Buffer.from(encodeMbapRequest(100 + i, 1, { fc: 4, address: i, count: 1 })))));
    await waitFor(() => got.length >= 33, 'three 11-byte replies', 30_000);
    assert.is(got.length, 33);
    for (let i = 0; i < 3; i++) {
      const f = got.slice(11 * i, 11 * i + 11);
      assert.equal(f, [0, 100 + i, 0, 0, 0, 5, 1, 4, 2, 0, 10 + i]);
    }
    const closed = new Promise((r) => s.once('close', r));
    s.write(Buffer.from([0, 1, 0, 9, 0, 6, 1, 4, 0, 0, 0, 1])); // protocol id 9
    await closed;
    assert.is(server.stats().frameErrors, 1);
  } finally {
    s.destroy();
    await server.close();
  }
});

test.run();
