// The simulators speak the register maps of standards.md §4 as an independent Modbus implementation
// (modbus-serial) and plain Buffer decoding see them, not only as our own codec does.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import ModbusRTU from 'modbus-serial';
import { ManualClock } from '../../../drivers/clock.js';
import { catalogEntry, type RunningSimulator } from '../../../drivers/catalog.js';

const HOUR = 3_600_000;

async function withSim(id: string, fn: (c: InstanceType<typeof ModbusRTU.default>, clock: ManualClock, sim: RunningSimulator) => Promise<void>): Promise<void> {
  const clock = new ManualClock(0);
  const sim = await catalogEntry(id).startSimulator({ listen: { tcp: '127.0.0.1:0' }, unit: 1, clock, profile: 'constant', ratingW: 2300, random: () => 0.5 });
  const c = new ModbusRTU.default();
  try {
    const [host, port] = sim.address.split(':');
    await c.connectTCP(host!, { port: Number(port) });
    c.setID(1);
    c.setTimeout(2000);
    await fn(c, clock, sim);
  } finally {
    await new Promise<void>((r) => c.close(() => r()));
    await sim.close();
  }
}

test('SDM630: FC 04 float32 big-endian at 0x0000 (V L1), 0x0034 (total W), 0x0048 (import kWh)', async () => {
  await withSim('sdm630', async (c, clock) => {
    await clock.advance(HOUR);
    const v = await c.readInputRegisters(0x0000, 2);
    assert.ok(Math.abs(v.buffer.readFloatBE(0) - 230) < 1);
    const p = await c.readInputRegisters(0x0034, 2);
    assert.ok(Math.abs(p.buffer.readFloatBE(0) - 2300) < 1);
    const e = await c.readInputRegisters(0x0048, 4);
    assert.ok(Math.abs(e.buffer.readFloatBE(0) - 2.3) < 0.001, `import ${e.buffer.readFloatBE(0)} kWh`);
    assert.is(e.buffer.readFloatBE(4), 0);
  });
});

test('EM340: FC 04 INT32 low word first at 0x00 (0.1 V) and 0x34 (0.1 kWh)', async () => {
  await withSim('em340', async (c, clock) => {
    await clock.advance(HOUR);
    const v = await c.readInputRegisters(0x00, 2);
    const volts = (v.data[0]! + v.data[1]! * 65536) / 10;
    assert.ok(Math.abs(volts - 230) < 1, `V ${volts}`);
    const e = await c.readInputRegisters(0x34, 2);
    assert.is(e.data[0]! + e.data[1]! * 65536, 23); // 2.3 kWh in 0.1 kWh counts
  });
});

test('B23: FC 03 UINT64 big-endian at 0x5000 (0.01 kWh), UINT32 at 0x5B00 (0.1 V); FC 04 is refused', async () => {
  await withSim('b23', async (c, clock) => {
    await clock.advance(HOUR);
    const e = await c.readHoldingRegisters(0x5000, 4);
    assert.is(e.buffer.readBigUInt64BE(0), 230n);
    const v = await c.readHoldingRegisters(0x5b00, 2);
    assert.ok(Math.abs(v.buffer.readUInt32BE(0) / 10 - 230) < 1);
    let code: number | undefined;
    try {
      await c.readInputRegisters(0x5000, 4);
    } catch (err) {
      code = (err as { modbusCode?: number }).modbusCode;
    }
    assert.is(code, 2);
  });
});

test.run();
