// Issue 9: a reading is stamped when the reply carrying its energy registers arrived, on the real transports.
// The simulator answers every request after REPLY_MS of a manual clock (the clock moves while the multi-block read
// is in flight), so the clock at each reply is known exactly: the EM340 reads its two energy blocks first, then its
// instantaneous block, and the sample must carry the clock at the second reply, not at the third.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../../drivers/clock.js';
import type { ReadFunctionCode, RegisterBank } from '../../../drivers/modbus-client.js';
import { openModbusClient } from '../../../drivers/modbus/open-client.js';
import { startModbusRtuServer } from '../../../drivers/modbus/rtu-server.js';
import { startModbusTcpServer } from '../../../drivers/modbus/tcp-server.js';
import { meterModel } from '../../../drivers/models/meter-models.js';
import { ModbusMeterDriver } from '../../../drivers/models/modbus-meter-driver.js';
import { SimulatedBank } from '../../../drivers/models/simulated-bank.js';
import { constant } from '../../../drivers/sim/load-profile.js';
import { PhysicalMeter } from '../../../drivers/sim/physical-meter.js';
import { openPtyPair } from '../../helpers/pty-pair.js';

const REPLY_MS = 700;
const T0 = 1_700_000_000_000;

/** The EM340 simulator, answering each request REPLY_MS of clock time after it came; logs the clock at each reply. */
function slowSim(clock: ManualClock) {
  const model = meterModel('em340');
  const bank = new SimulatedBank(model, new PhysicalMeter({ clock, profile: constant(3000, 1), phases: model.phases, random: () => 0.5 }), { unit: 1 });
  const replies: { address: number; at: number }[] = [];
  const slow: RegisterBank = {
    read(unit: number, fc: ReadFunctionCode, address: number, count: number) {
      clock.set(clock.now() + REPLY_MS);
      replies.push({ address, at: clock.now() });
      return bank.read(unit, fc, address, count);
    },
    write: (unit) => bank.write(unit),
  };
  return { model, slow, replies };
}

async function sampleThrough(clock: ManualClock, conn: { tcp: string } | { serial: string; baud: number }, sim: ReturnType<typeof slowSim>) {
  const client = await openModbusClient(conn, { clock });
  const driver = new ModbusMeterDriver({ client, model: sim.model, unit: 1, clock });
  try {
    return { driver, sample: await driver.sample() };
  } finally {
    await driver.close();
  }
}

function check(sim: ReturnType<typeof slowSim>, driver: ModbusMeterDriver, at: number): void {
  assert.equal(sim.replies.map((r) => r.address), driver.plan.map((r) => r.address));
  assert.equal(driver.plan.map((r) => r.energy), [true, true, false]);
  // The clock at the energy replies: T0 + 700 (import block), T0 + 1400 (export block); T0 + 2100 is the instant block.
  assert.is(sim.replies[1]!.at, T0 + 2 * REPLY_MS);
  assert.is(at, T0 + 2 * REPLY_MS);
}

test('Modbus TCP: the sample is stamped with the clock at the last energy reply', async () => {
  const clock = new ManualClock(T0);
  const sim = slowSim(clock);
  const server = await startModbusTcpServer({ port: 0, bank: sim.slow, unitIds: [1] });
  try {
    const { driver, sample } = await sampleThrough(clock, { tcp: server.address }, sim);
    check(sim, driver, sample.at);
  } finally {
    await server.close();
  }
});

test('Modbus RTU: the sample is stamped with the clock at the last energy reply', async () => {
  const clock = new ManualClock(T0);
  const sim = slowSim(clock);
  const pair = await openPtyPair();
  const server = await startModbusRtuServer({ path: pair.b, line: { baud: 9600, parity: 'none', dataBits: 8, stopBits: 1 }, bank: sim.slow, unitIds: [1] });
  try {
    const { driver, sample } = await sampleThrough(clock, { serial: pair.a, baud: 9600 }, sim);
    check(sim, driver, sample.at);
  } finally {
    await server.close();
    await pair.close();
  }
});

test.run();
