// Interop with an independent implementation: Debian's python3-pymodbus 3.0 (run with /usr/bin/python3).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../../drivers/clock.js';
import { ModbusExceptionError } from '../../../drivers/modbus/exception.js';
import { MemoryRegisterBank } from '../../../drivers/modbus/memory-bank.js';
import { TcpClient } from '../../../drivers/modbus/tcp-client.js';
import { startModbusTcpServer } from '../../../drivers/modbus/tcp-server.js';
import { openRtuClient, type RtuClient } from '../../../drivers/modbus/rtu-client.js';
import { startModbusRtuServer } from '../../../drivers/modbus/rtu-server.js';
import type { ModbusClient } from '../../../drivers/modbus-client.js';
import type { LineSettings } from '../../../drivers/sim/wire-timing.js';
import { openPtyPair } from '../../helpers/pty-pair.js';

const PYTHON = '/usr/bin/python3';
const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/modbus/${name}`, import.meta.url));

const line: LineSettings = { baud: 9600, dataBits: 8, parity: 'none', stopBits: 1 };

/** The data pymodbus_client.py expects to find. */
function pyBank(): MemoryRegisterBank {
  const bank = new MemoryRegisterBank([1, 2]);
  for (const u of [1, 2]) {
    bank.set(u, 'input', 0, [0x4366, 0]);
    bank.set(u, 'input', 0x48, [0x4499, u]);
    bank.set(u, 'holding', 0, Array.from({ length: 130 }, (_, i) => i));
  }
  return bank;
}

const expectedFromPyClient = {
  voltage: [0x4366, 0],
  importUnit2: [0x4499, 2],
  holding: [4, 4242, 6, 7, 8, 9, 1, 2, 3],
  badAddressIsError: true,
  badAddressException: 2,
};

function run(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(PYTHON, args, { timeout: timeoutMs }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('pymodbus is importable by /usr/bin/python3', async () => {
  const r = await run(['-c', 'import pymodbus; print(pymodbus.__version__)']);
  assert.is(
    r.code,
    0,
    `pymodbus is not importable by ${PYTHON}: ${r.stderr.trim()}\n` +
      'install it with: apt-get install python3-pymodbus python3-serial-asyncio (the interop tests below need it)',
  );
});

/** Starts fixtures/modbus/pymodbus_server.py with `args`; resolves with what it printed after READY. */
async function startPyServer(args: string[]): Promise<{ ready: string; stop(): Promise<void> }> {
  const child = spawn(PYTHON, [fixture('pymodbus_server.py'), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise((r) => child.once('exit', r));
  const stop = async () => {
    child.stdin.end();
    const t = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  };
  try {
    const ready = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`pymodbus server did not report READY within 60 s; stderr: ${stderr}`)), 60_000);
      child.stdout.on('data', (c) => {
        out += c;
        const m = /READY (\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`pymodbus server exited with ${code} (is pymodbus installed for ${PYTHON}?): ${stderr}`));
      });
    });
    return { ready, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The same checks against either transport; the pymodbus server holds the same data on both. */
async function exercise(client: ModbusClient): Promise<void> {
  assert.equal([...(await client.readRegisters(1, 4, 0, 2))], [0x4366, 0]);
  assert.equal([...(await client.readRegisters(2, 4, 0x48, 2))], [0x4499, 2]);
  await client.writeRegister(1, 3, 3000);
  await client.writeRegisters(1, 100, [1, 2, 3]);
  const h = await client.readRegisters(1, 3, 0, 125);
  assert.equal([...h.subarray(0, 5)], [0, 1, 2, 3000, 4]);
  assert.equal([...h.subarray(99, 104)], [99, 1, 2, 3, 103]);
  try {
    await client.readRegisters(1, 4, 5000, 2);
    assert.unreachable('pymodbus should refuse an address outside its block');
  } catch (e) {
    assert.instance(e, ModbusExceptionError);
    assert.is((e as ModbusExceptionError).exceptionCode, 2);
  }
}

test('our TCP client against a pymodbus server', async () => {
  const py = await startPyServer(['0']);
  const client = new TcpClient({ host: '127.0.0.1', port: Number(py.ready), clock: systemClock, timeoutMs: 2000 });
  try {
    await exercise(client);
  } finally {
    await client.close();
    await py.stop();
  }
});

test('our RTU client against a pymodbus RTU server over a pty', async () => {
  const pair = await openPtyPair();
  let py: Awaited<ReturnType<typeof startPyServer>> | null = null;
  let client: RtuClient | null = null;
  try {
    py = await startPyServer(['--rtu', pair.b]);
    client = await openRtuClient({ path: pair.a, line, clock: systemClock, timeoutMs: 1000 });
    await exercise(client);
    assert.is(client.stats().frameErrors, 0);
  } finally {
    await client?.close();
    await py?.stop();
    await pair.close();
  }
});

test('a pymodbus client against our TCP server', async () => {
  const bank = pyBank();
  const server = await startModbusTcpServer({ port: 0, bank });
  try {
    const r = await run([fixture('pymodbus_client.py'), String(server.port)]);
    assert.is(r.code, 0, `pymodbus client failed: ${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.equal(out, expectedFromPyClient);
    assert.is(bank.get(1, 'holding', 5), 4242);
  } finally {
    await server.close();
  }
});

test('a pymodbus RTU client against our RTU server over a pty', async () => {
  const pair = await openPtyPair();
  const server = await startModbusRtuServer({ path: pair.b, line, bank: pyBank(), unitIds: [1, 2] });
  try {
    const r = await run([fixture('pymodbus_client.py'), '--rtu', pair.a]);
    assert.is(r.code, 0, `pymodbus client failed: ${r.stderr}`);
    assert.equal(JSON.parse(r.stdout.trim().split('\n').pop()!), expectedFromPyClient);
  } finally {
    await server.close();
    await pair.close();
  }
});

test.run();
