import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Socket } from 'node:net';
import { ManualClock, systemClock } from '../../../drivers/clock.js';
import { FrameError, TimeoutError, TransportError } from '../../../drivers/errors.js';
import { ModbusExceptionError } from '../../../drivers/modbus/exception.js';
import { MemoryRegisterBank } from '../../../drivers/modbus/memory-bank.js';
import { parseTcpAddress, TcpClient } from '../../../drivers/modbus/tcp-client.js';
import { startModbusTcpServer } from '../../../drivers/modbus/tcp-server.js';
import { UnitBackoffError } from '../../../drivers/modbus/unit-health.js';

function seeded(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
}

function makeBank(): MemoryRegisterBank {
  const bank = new MemoryRegisterBank([1, 2]);
  for (const u of [1, 2]) {
    bank.set(u, 'input', 0, [0x4366, 0x0000]);
    bank.set(u, 'input', 0x48, [0x4499, u]);
    bank.set(u, 'holding', 0, new Array(130).fill(0).map((_, i) => i));
  }
  return bank;
}

test('parseTcpAddress', () => {
  assert.equal(parseTcpAddress('127.0.0.1:1502'), { host: '127.0.0.1', port: 1502 });
  assert.equal(parseTcpAddress('meter.local'), { host: 'meter.local', port: 502 });
  assert.equal(parseTcpAddress('[::1]:5020'), { host: '::1', port: 5020 });
  assert.throws(() => parseTcpAddress('host:99999'), /expected host:port/);
});

test('client and server end to end over 127.0.0.1, reads, writes, exceptions', async () => {
  const server = await startModbusTcpServer({ port: 0, bank: makeBank(), unitIds: [1, 2] });
  const client = new TcpClient({ host: '127.0.0.1', port: server.port, clock: systemClock, timeoutMs: 500 });
  try {
    assert.equal([...(await client.readRegisters(1, 4, 0, 2))], [0x4366, 0]);
    assert.equal([...(await client.readRegisters(2, 4, 0x48, 2))], [0x4499, 2]);
    await client.writeRegister(1, 3, 999);
    await client.writeRegisters(1, 100, [7, 8]);
    const r = await client.readRegisters(1, 3, 0, 125);
    assert.is(r[3], 999);
    assert.is(r[100], 7);
    assert.is(r[101], 8);
    for (const [unit, addr, code] of [[1, 5000, 2], [3, 0, 11]] as const) {
      try {
        await client.readRegisters(unit, 4, addr, 2);
        assert.unreachable();
      } catch (e) {
        assert.instance(e, ModbusExceptionError);
        assert.is((e as ModbusExceptionError).exceptionCode, code);
      }
    }
    assert.is(client.stats().exceptions, 2);
    assert.is(client.connects, 1);
  } finally {
    await client.close();
    await server.close();
  }
});

test('reconnects after the server drops the connection', async () => {
  const server = await startModbusTcpServer({ port: 0, bank: makeBank() });
  const client = new TcpClient({ host: '127.0.0.1', port: server.port, clock: systemClock, timeoutMs: 500 });
  try {
    await client.readRegisters(1, 4, 0, 2);
    await server.close(); // drops every connection
    const again = await startModbusTcpServer({ port: server.port, bank: makeBank() });
    try {
      assert.equal([...(await client.readRegisters(1, 4, 0, 2))], [0x4366, 0]);
      assert.is(client.connects, 2);
    } finally {
      await again.close();
    }
  } finally {
    await client.close();
  }
});

test('timeouts retry; late answers with an old transaction id are discarded', async () => {
  // A server that answers the first request late (after the client's timeout) and the retry at once.
  const sockets = new Set<Socket>();
  let n = 0;
  const timers: NodeJS.Timeout[] = [];
  const srv = createServer((s) => {
    sockets.add(s);
    s.on('data', (buf) => {
      const tid = buf.subarray(0, 2);
      const reply = (v: number) => Buffer.from([...tid, 0, 0, 0, 7, 1, 4, 4, 0, v, 0, 0]);
      if (n++ === 0) timers.push(setTimeout(() => s.write(reply(0xaa)), 450));
      else timers.push(setTimeout(() => s.write(reply(0xbb)), 200)); // the retry (sent at 300 ms) is answered at 500 ms, after the stale answer at 450 ms
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  const client = new TcpClient({ host: '127.0.0.1', port, clock: systemClock, timeoutMs: 300, retries: 1 });
  try {
    const r = await client.readRegisters(1, 4, 0, 2);
    assert.is(r[0], 0xbb, 'the value comes from the retry, not from the stale answer');
    assert.is(client.stats().timeouts, 1);
    assert.is(client.stats().retries, 1);
  } finally {
    await client.close();
    timers.forEach(clearTimeout);
    sockets.forEach((s) => s.destroy());
    await new Promise((r) => srv.close(r));
  }
});

test('fault injection: dropped replies time out, garbage breaks sync and forces a reconnect', async () => {
  const server = await startModbusTcpServer({ port: 0, bank: makeBank(), faults: { timeoutRate: 1 } });
  const client = new TcpClient({ host: '127.0.0.1', port: server.port, clock: systemClock, timeoutMs: 200, retries: 0, backoff: { deadAfter: 100 } });
  try {
    try {
      await client.readRegisters(1, 4, 0, 2);
      assert.unreachable();
    } catch (e) {
      assert.instance(e, TimeoutError);
    }
    server.setFaults({ garbageRate: 1 });
    let sawFrameOrTimeout = 0;
    for (let i = 0; i < 3; i++) {
      try {
        await client.readRegisters(1, 4, 0, 2);
      } catch (e) {
        assert.ok(e instanceof FrameError || e instanceof TimeoutError || e instanceof TransportError, String(e));
        sawFrameOrTimeout++;
      }
    }
    assert.ok(sawFrameOrTimeout >= 1);
    server.setFaults({});
    assert.equal([...(await client.readRegisters(1, 4, 0, 2))], [0x4366, 0]);
    server.setFaults({ exceptionCode: 4 });
    try {
      await client.readRegisters(1, 4, 0, 2);
      assert.unreachable();
    } catch (e) {
      assert.is((e as ModbusExceptionError).exceptionName, 'server device failure');
    }
  } finally {
    await client.close();
    await server.close();
  }
});

test('nothing listening is a TransportError, without retry storms', async () => {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  const client = new TcpClient({ host: '127.0.0.1', port, clock: systemClock, timeoutMs: 200 });
  try {
    await client.readRegisters(1, 4, 0, 2);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, TransportError);
    assert.match((e as Error).message, /cannot connect to 127\.0\.0\.1/);
  } finally {
    await client.close();
  }
});

test('dead unit behind a gateway is backed off', async () => {
  const clock = new ManualClock(0);
  const server = await startModbusTcpServer({ port: 0, bank: makeBank(), random: seeded(1) });
  const client = new TcpClient({ host: '127.0.0.1', port: server.port, clock, timeoutMs: 150, retries: 1, backoff: { deadAfter: 1, backoffMs: 1000 } });
  try {
    server.setFaults({ timeoutRate: 1 });
    await client.readRegisters(7, 4, 0, 2).catch((e) => assert.instance(e, TimeoutError));
    await client.readRegisters(7, 4, 0, 2).then(
      () => assert.unreachable(),
      (e) => assert.instance(e, UnitBackoffError),
    );
    server.setFaults({});
    await client.readRegisters(1, 4, 0, 2);
    await clock.advance(1001);
    await client.readRegisters(7, 4, 0, 2).catch((e) => assert.instance(e, ModbusExceptionError)); // bank has no unit 7: exception 11, but it answered
    assert.equal(client.unitHealth(), []);
  } finally {
    await client.close();
    await server.close();
  }
});

test('interop: the modbus-serial npm client against our TCP server', async () => {
  const server = await startModbusTcpServer({ port: 0, bank: makeBank() });
  const ModbusRTU = (await import('modbus-serial')).default;
  const ms = new ModbusRTU.default();
  try {
    await ms.connectTCP('127.0.0.1', { port: server.port });
    ms.setID(1);
    ms.setTimeout(1000);
    const r = await ms.readInputRegisters(0, 2);
    assert.equal(r.data, [0x4366, 0]);
    await ms.writeRegisters(10, [11, 12, 13]);
    await ms.writeRegister(20, 0xffff);
    const h = await ms.readHoldingRegisters(9, 12);
    assert.equal(h.data, [9, 11, 12, 13, 13, 14, 15, 16, 17, 18, 19, 0xffff]);
    await ms.readInputRegisters(4000, 2).then(
      () => assert.unreachable(),
      (e: { modbusCode?: number }) => assert.is(e.modbusCode, 2),
    );
  } finally {
    await new Promise((r) => ms.close(r));
    await server.close();
  }
});

test('interop: our TCP client against the modbus-serial ServerTCP', async () => {
  const { ServerTCP } = (await import('modbus-serial')).default as unknown as { ServerTCP: typeof import('modbus-serial').ServerTCP };
  const holding = new Map<number, number>([[0, 1], [1, 2], [2, 3]]);
  const port = 15000 + Math.floor(Math.random() * 20000);
  const srv = new ServerTCP(
    {
      getInputRegister: (addr: number) => 0x4366 + addr,
      getHoldingRegister: (addr: number) => holding.get(addr) ?? 0,
      setRegister: (addr: number, value: number) => void holding.set(addr, value),
    },
    { host: '127.0.0.1', port, unitID: 1 },
  );
  await new Promise<void>((resolve) => srv.on('initialized', () => resolve()));
  const client = new TcpClient({ host: '127.0.0.1', port, clock: systemClock, timeoutMs: 1000 });
  try {
    assert.equal([...(await client.readRegisters(1, 4, 0, 2))], [0x4366, 0x4367]);
    await client.writeRegisters(1, 1, [20, 30]);
    await client.writeRegister(1, 0, 10);
    assert.equal([...(await client.readRegisters(1, 3, 0, 3))], [10, 20, 30]);
  } finally {
    await client.close();
    await new Promise((r) => srv.close(r));
  }
});

test.run();
