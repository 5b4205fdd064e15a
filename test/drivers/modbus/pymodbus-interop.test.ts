// Interop with an independent implementation: Debian's python3-pymodbus 3.0 (run with /usr/bin/python3).
import { test } from './uvu-safe.js';
import * as assert from 'uvu/assert';
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../../drivers/clock.js';
import { ModbusExceptionError } from '../../../drivers/modbus/exception.js';
import { MemoryRegisterBank } from '../../../drivers/modbus/memory-bank.js';
import { TcpClient } from '../../../drivers/modbus/tcp-client.js';
import { startModbusTcpServer } from '../../../drivers/modbus/tcp-server.js';

const PYTHON = '/usr/bin/python3';
const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/modbus/${name}`, import.meta.url));

function run(args: string[], timeoutMs = 15000): Promise<{ code: number | null; stdout: string; stderr: string }> {
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

test('our TCP client against a pymodbus server', async () => {
  const child = spawn(PYTHON, [fixture('pymodbus_server.py'), '0'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise((r) => child.once('exit', r));
  let client: TcpClient | null = null;
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`pymodbus server did not report READY within 10 s; stderr: ${stderr}`)), 10000);
      child.stdout.on('data', (c) => {
        out += c;
        const m = /READY (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`pymodbus server exited with ${code} (is pymodbus installed for ${PYTHON}?): ${stderr}`));
      });
    });
    client = new TcpClient({ host: '127.0.0.1', port, clock: systemClock, timeoutMs: 2000 });
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
  } finally {
    await client?.close();
    child.stdin.end();
    const t = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  }
});

test('a pymodbus client against our TCP server', async () => {
  const bank = new MemoryRegisterBank([1, 2]);
  for (const u of [1, 2]) {
    bank.set(u, 'input', 0, [0x4366, 0]);
    bank.set(u, 'input', 0x48, [0x4499, u]);
    bank.set(u, 'holding', 0, Array.from({ length: 130 }, (_, i) => i));
  }
  const server = await startModbusTcpServer({ port: 0, bank });
  try {
    const r = await run([fixture('pymodbus_client.py'), String(server.port)]);
    assert.is(r.code, 0, `pymodbus client failed: ${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.equal(out, {
      voltage: [0x4366, 0],
      importUnit2: [0x4499, 2],
      holding: [4, 4242, 6, 7, 8, 9, 1, 2, 3],
      badAddressIsError: true,
      badAddressException: 2,
    });
    assert.is(bank.get(1, 'holding', 5), 4242);
  } finally {
    await server.close();
  }
});

test.run();
