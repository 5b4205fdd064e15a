// A late reply is never the answer to a retry (Modbus RTU has no transaction id). The simulated slave is slow on
// its first reply only: that reply arrives after the client's timeout, while the retry waits. Each read answers
// with a new value (the number of reads served so far), so the stale reply can be told apart from the right one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { systemClock } from '../../../drivers/clock.js';
import { TimeoutError } from '../../../drivers/errors.js';
import type { ReadFunctionCode, RegisterBank } from '../../../drivers/modbus-client.js';
import { openRtuClient } from '../../../drivers/modbus/rtu-client.js';
import { startModbusRtuServer } from '../../../drivers/modbus/rtu-server.js';
import { decodeRtuResponse, encodeRtuFrame, scanRtuResponse } from '../../../drivers/modbus/rtu-frame.js';
import { ModbusExceptionError } from '../../../drivers/modbus/exception.js';
import { FrameError } from '../../../drivers/errors.js';
import type { LineSettings } from '../../../drivers/sim/wire-timing.js';
import { openPtyPair } from '../../helpers/pty-pair.js';

const line: LineSettings = { baud: 9600, dataBits: 8, parity: 'none', stopBits: 1 };

/** Register 0 reads as the number of reads served, counting this one: reply n answers request n. */
class CountingBank implements RegisterBank {
  served = 0;
  read(_unit: number, _fc: ReadFunctionCode, _address: number, count: number): Uint16Array {
    this.served++;
    return new Uint16Array(count).fill(this.served);
  }
  write(): number {
    return 2;
  }
}

/** The first draw makes the first reply slow; every later reply is on time. */
const firstOnly = (): (() => number) => {
  let n = 0;
  return () => (n++ === 0 ? 0 : 0.999);
};

async function rig(slowMs: number, timeoutMs: number) {
  const pair = await openPtyPair();
  const bank = new CountingBank();
  const server = await startModbusRtuServer({ path: pair.b, line, bank, faults: { slowMs, slowRate: 0.5 }, random: firstOnly() });
  const client = await openRtuClient({ path: pair.a, line, clock: systemClock, timeoutMs, retries: 2 });
  return {
    bank,
    server,
    client,
    async close() {
      await client.close();
      await server.close();
      await pair.close();
    },
  };
}

test('the stale reply to the first attempt arrives while the retry waits: the retry still gets its own answer', async () => {
  // Timeout budget ~116 ms (100 + wire time); the first reply comes ~175 ms after its request, inside the retry's wait.
  const r = await rig(150, 100);
  try {
    const regs = await r.client.readRegisters(1, 4, 0, 1);
    assert.is(r.bank.served, 2, 'the slave served the first request and the retry');
    assert.is(regs[0], 2, `got the answer to request ${regs[0]}; expected the retry's (2), never the late reply to the first`);
    const s = r.client.stats();
    assert.is(s.timeouts, 1);
    assert.is(s.retries, 1);
    // The next transaction is not poisoned by a reply left over on the line.
    const next = await r.client.readRegisters(1, 4, 0, 1);
    assert.is(next[0], 3);
  } finally {
    await r.close();
  }
});

test('after a transaction that timed out altogether, its late replies do not answer the next one', async () => {
  // The first reply is so late that every attempt times out (3 x ~216 ms); the slave answers all three requests
  // afterwards. Budgets twice the first test's leave a loaded machine room for the slave's ordinary replies.
  const r = await rig(1200, 200);
  try {
    await r.client.readRegisters(1, 4, 0, 1).then(
      () => assert.unreachable('expected a timeout'),
      (e: Error) => assert.instance(e, TimeoutError),
    );
    const next = await r.client.readRegisters(1, 4, 0, 1);
    assert.is(r.bank.served, 4);
    assert.is(next[0], 4, `the next read got reply ${next[0]}; expected its own (4), never a stale one`);
  } finally {
    await r.close();
  }
});

test('a reply must echo the unit id and the function code (exception: function | 0x80) and the byte count', () => {
  const reply = (unit: number, pdu: number[]) => encodeRtuFrame(unit, Uint8Array.from(pdu));
  const fc4 = [4, 2, 0x12, 0x34];
  assert.equal(scanRtuResponse(reply(1, fc4), 1, 4), { kind: 'frame', start: 0, end: 7 });
  assert.is(scanRtuResponse(reply(2, fc4), 1, 4).kind, 'none', 'another unit\'s reply is not ours');
  assert.is(scanRtuResponse(reply(1, [3, 2, 0x12, 0x34]), 1, 4).kind, 'none', 'an FC 3 reply does not answer FC 4');
  assert.is(scanRtuResponse(reply(1, [0x83, 2]), 1, 4).kind, 'none', 'an FC 3 exception does not answer FC 4');
  assert.is(scanRtuResponse(reply(1, [0x84, 2]), 1, 4).kind, 'frame');
  assert.throws(() => decodeRtuResponse(reply(1, [0x84, 2]), 1, 4), (e: unknown) => e instanceof ModbusExceptionError && e.exceptionCode === 2);
  // A late reply to a read of another length: its byte count gives it away.
  assert.throws(
    () => decodeRtuResponse(reply(1, [4, 4, 0, 1, 0, 2]), 1, 4, { fc: 4, address: 0, count: 1 }),
    (e: unknown) => e instanceof FrameError && e.code === 'modbus-byte-count',
  );
});

test.run();
