// Poll-cycle bench: the SDM630 operational-plus-energy set (V, I, P per phase, total P, PF, frequency,
// import/export kWh) at 9600 8N1 over a socat pty whose simulator holds replies back by the wire time.
// Prints transactions per cycle and measured cycle time for (a) the planner's reads, (b) one request per value
// (what mbmd does), and (c) the wire-time minimum of each computed from the bytes on the line.
// Target: (a) <= 2 transactions per cycle and measured within 10 % of its wire-time minimum.
import { performance } from 'node:perf_hooks';
import { catalogEntry } from '../drivers/catalog.js';
import { ManualClock, systemClock } from '../drivers/clock.js';
import { openModbusClient } from '../drivers/modbus/open-client.js';
import { meterModel } from '../drivers/models/meter-models.js';
import { ModbusMeterDriver } from '../drivers/models/modbus-meter-driver.js';
import { sampleRegisters } from '../drivers/models/decode-sample.js';
import { planReads } from '../drivers/planner/plan-reads.js';
import { REGISTER_WIDTH } from '../drivers/models/model-schema.js';
import { t35Ms, wireTimeMs, type LineSettings } from '../drivers/sim/wire-timing.js';
import { openPtyPair } from '../test/helpers/pty-pair.js';

const CYCLES = Number(process.env.CYCLES ?? 20);
const line: LineSettings = { baud: 9600, dataBits: 8, parity: 'none', stopBits: 1 };

/** One FC 03/04 read on the wire: 8-byte request, 5 + 2n byte response, t3.5 silence before each frame. */
const readWireMs = (count: number) => wireTimeMs(8, line) + wireTimeMs(5 + 2 * count, line) + 2 * t35Ms(line);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const model = meterModel('sdm630');
  const pty = await openPtyPair();
  const sim = await catalogEntry('sdm630').startSimulator({
    listen: { serial: pty.a, baud: line.baud, parity: line.parity },
    clock: new ManualClock(0),
    profile: 'constant',
    ratingW: 7400,
    wireTiming: true,
  });
  const client = await openModbusClient({ serial: pty.b, baud: line.baud, parity: line.parity }, { clock: systemClock });
  const driver = new ModbusMeterDriver({ client, model, unit: 1, clock: systemClock });
  try {
    const regs = sampleRegisters(model);
    await driver.sample(); // warm-up: port open, first frame

    const planned: number[] = [];
    const t0 = client.stats().transactions;
    for (let i = 0; i < CYCLES; i++) {
      const s = performance.now();
      await driver.sample();
      planned.push(performance.now() - s);
    }
    const plannedTx = (client.stats().transactions - t0) / CYCLES;

    const single: number[] = [];
    const t1 = client.stats().transactions;
    for (let i = 0; i < CYCLES; i++) {
      const s = performance.now();
      for (const r of regs) await client.readRegisters(1, model.functionCode, r.address, REGISTER_WIDTH[r.type]);
      single.push(performance.now() - s);
    }
    const singleTx = (client.stats().transactions - t1) / CYCLES;

    const plannedWire = driver.plan.reduce((ms, r) => ms + readWireMs(r.count), 0);
    const singleWire = regs.reduce((ms, r) => ms + readWireMs(REGISTER_WIDTH[r.type]), 0);
    const pm = median(planned);
    const sm = median(single);
    const over = (pm / plannedWire - 1) * 100;
    const row = (name: string, tx: number, measured: number, wire: number) =>
      `${name.padEnd(26)} ${String(tx).padStart(6)} ${measured.toFixed(1).padStart(12)} ${wire.toFixed(1).padStart(14)} ${((measured / wire - 1) * 100).toFixed(1).padStart(9)} %`;
    console.log(`poll-cycle: SDM630, ${regs.length} values (${regs.reduce((n, r) => n + REGISTER_WIDTH[r.type], 0)} registers), 9600 8N1 over a pty with simulated wire timing, ${CYCLES} cycles, medians`);
    console.log(`plan: ${driver.plan.map((r) => `FC${r.functionCode} @0x${r.address.toString(16)} x${r.count}`).join(', ')}`);
    console.log(`${'mode'.padEnd(26)} ${'tx/cyc'.padStart(6)} ${'measured ms'.padStart(12)} ${'wire-min ms'.padStart(14)} ${'over wire'.padStart(11)}`);
    console.log(row('(a) planned reads', plannedTx, pm, plannedWire));
    console.log(row('(b) one request per value', singleTx, sm, singleWire));
    console.log(`(c) wire-time minimum: planned ${plannedWire.toFixed(1)} ms, per value ${singleWire.toFixed(1)} ms (bytes x 10 bits / 9600 + 2 x t3.5 per transaction)`);
    // How good is maxGap 16? The wire time of the plan each maxGap would give (assumes turnaround = t3.5, as simulated).
    const byGap = Array.from({ length: 41 }, (_, gap) => {
      const plan = planReads(regs.map((r) => ({ address: r.address, count: REGISTER_WIDTH[r.type] })), {
        functionCode: model.functionCode, maxCount: model.maxRegistersPerRead, maxGap: gap, holes: model.holes,
      });
      return { gap, reads: plan.length, ms: plan.reduce((ms, r) => ms + readWireMs(r.count), 0) };
    });
    const best = byGap.reduce((a, b) => (b.ms < a.ms ? b : a));
    console.log(`wire-optimal maxGap for this set and turnaround: ${best.gap} (${best.reads} reads, ${best.ms.toFixed(1)} ms); model maxGap ${model.maxGap} gives ${plannedWire.toFixed(1)} ms`);
    console.log(`planned vs per-value: ${(sm / pm).toFixed(2)}x faster, ${singleTx - plannedTx} fewer transactions per cycle`);
    const ok = plannedTx <= 2 && over <= 10;
    console.log(`target (<= 2 transactions, within 10 % of wire minimum): ${ok ? 'MET' : 'MISSED'} (${plannedTx} tx, ${over.toFixed(1)} % over)`);
  } finally {
    await driver.close();
    await sim.close();
    await pty.close();
  }
}

await main();
