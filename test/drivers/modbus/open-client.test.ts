import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { symlinkSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../../../drivers/clock.js';
import { ConfigError, TransportError } from '../../../drivers/errors.js';
import { MemoryRegisterBank } from '../../../drivers/modbus/memory-bank.js';
import { openModbusClient } from '../../../drivers/modbus/open-client.js';
import { startModbusRtuServer } from '../../../drivers/modbus/rtu-server.js';
import { startModbusTcpServer } from '../../../drivers/modbus/tcp-server.js';
import { wireTimeMs, type LineSettings } from '../../../drivers/sim/wire-timing.js';
import { openPtyPair } from '../../helpers/pty-pair.js';

const line: LineSettings = { baud: 9600, dataBits: 8, parity: 'none', stopBits: 1 };

function bank(units: number[]): MemoryRegisterBank {
  const b = new MemoryRegisterBank(units);
  for (const u of units) b.set(u, 'input', 0x48, [0x4499, u]);
  return b;
}

test('two meters on one serial path share one bus; two paths run in parallel', async () => {
  const p1 = await openPtyPair();
  const p2 = await openPtyPair();
  const s1 = await startModbusRtuServer({ path: p1.b, line, bank: bank([1, 2]), unitIds: [1, 2] });
  const s2 = await startModbusRtuServer({ path: p2.b, line, bank: bank([1]), unitIds: [1] });
  // The same device reached through a symlink is still the same bus.
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-link-'));
  const alias = join(dir, 'ttyAlias');
  symlinkSync(p1.a, alias);
  const m1 = await openModbusClient({ serial: p1.a, baud: 9600 }, { clock: systemClock });
  const m2 = await openModbusClient({ serial: alias }, { clock: systemClock });
  const m3 = await openModbusClient({ serial: p2.a }, { clock: systemClock });
  try {
    await Promise.all([m1.readRegisters(1, 4, 0x48, 2), m3.readRegisters(1, 4, 0x48, 2)]); // warm up
    const n = 6;
    const t0 = performance.now();
    let doneBus1 = 0;
    let doneBus2 = 0;
    const on = (p: Promise<Uint16Array[]>, bus: 1 | 2) =>
      p.then((v) => {
        const t = performance.now() - t0;
        if (bus === 1) doneBus1 = Math.max(doneBus1, t);
        else doneBus2 = Math.max(doneBus2, t);
        return v;
      });
    // Queued in this order: with one global lock bus 2's reads would finish last.
    const [a, b, c] = await Promise.all([
      on(Promise.all(Array.from({ length: n }, () => m1.readRegisters(1, 4, 0x48, 2))), 1),
      on(Promise.all(Array.from({ length: n }, () => m2.readRegisters(2, 4, 0x48, 2))), 1),
      on(Promise.all(Array.from({ length: n }, () => m3.readRegisters(1, 4, 0x48, 2))), 2),
    ]);
    assert.ok(a.every((r) => r[1] === 1) && b.every((r) => r[1] === 2) && c.every((r) => r[1] === 1));
    // Bus 1 carries 2n transactions one after another, so it cannot be faster than their wire time...
    assert.ok(doneBus1 >= 2 * n * wireTimeMs(17, line), `bus 1 transactions overlapped: ${doneBus1.toFixed(0)} ms`);
    // ...while bus 2 runs its n alongside and is done well before bus 1.
    assert.ok(doneBus2 < doneBus1 * 0.8, `buses did not run in parallel: bus 2 done at ${doneBus2.toFixed(0)} ms, bus 1 at ${doneBus1.toFixed(0)} ms`);
    assert.is(m1.stats().transactions, n + 1 + n, 'm1 and m2 report the shared bus');
    assert.is(m3.stats().transactions, n + 1);
    const clash = openModbusClient({ serial: p1.a, baud: 19200 }, { clock: systemClock });
    await clash.then(
      () => assert.unreachable('a second line setting on one bus must be refused'),
      (e) => {
        assert.instance(e, ConfigError);
        assert.match((e as Error).message, /already open at 9600 8N1/);
      },
    );
    await m1.close();
    assert.equal([...(await m2.readRegisters(1, 4, 0x48, 2))], [0x4499, 1], 'the bus stays open while a handle remains');
  } finally {
    await m1.close();
    await m2.close();
    await m3.close();
    await s1.close();
    await s2.close();
    await p1.close();
    await p2.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tcp connection specs share a connection; errors are named', async () => {
  const server = await startModbusTcpServer({ port: 0, bank: bank([1]) });
  const a = await openModbusClient({ tcp: server.address }, { clock: systemClock });
  const b = await openModbusClient({ tcp: server.address }, { clock: systemClock });
  try {
    await Promise.all([a.readRegisters(1, 4, 0x48, 2), b.readRegisters(1, 4, 0x48, 2)]);
    assert.is(server.connections(), 1);
  } finally {
    await a.close();
    await b.close();
    await server.close();
  }
  await openModbusClient({ serial: '/nonexistent/ttyUSB9' }, { clock: systemClock }).then(
    () => assert.unreachable(),
    (e) => assert.instance(e, TransportError),
  );
  await openModbusClient({ tcp: 'nohost:notaport' }, { clock: systemClock }).then(
    () => assert.unreachable(),
    (e) => assert.instance(e, ConfigError),
  );
});

test('interop: the modbus-serial RTU client against our RTU server over a pty', async () => {
  const pair = await openPtyPair();
  const b = new MemoryRegisterBank([7]);
  b.set(7, 'input', 0, [0x4366, 0]);
  b.set(7, 'holding', 0, [0, 0, 0, 0]);
  const server = await startModbusRtuServer({ path: pair.b, line, bank: b, unitIds: [7] });
  const ModbusRTU = (await import('modbus-serial')).default;
  const ms = new ModbusRTU.default();
  try {
    await ms.connectRTUBuffered(pair.a, { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 });
    ms.setID(7);
    ms.setTimeout(500);
    assert.equal((await ms.readInputRegisters(0, 2)).data, [0x4366, 0]);
    await ms.writeRegisters(1, [5, 6]);
    await ms.writeRegister(3, 9);
    assert.equal((await ms.readHoldingRegisters(0, 4)).data, [0, 5, 6, 9]);
    await ms.readInputRegisters(10, 1).then(
      () => assert.unreachable(),
      (e: { modbusCode?: number }) => assert.is(e.modbusCode, 2),
    );
  } finally {
    await new Promise((r) => ms.close(r));
    await server.close();
    await pair.close();
  }
});

test.run();
