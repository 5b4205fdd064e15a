// Source and reference drivers against their simulators over real pty pairs (socat), and a d.c. plan run
// end to end through them on a fast scaled clock.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openPtyPair, type PtyPair } from '../helpers/pty-pair.js';
import { scaledClock } from '../../drivers/clock.js';
import { ScpiSource } from '../../calibration/instruments/scpi-source.js';
import { ScpiReference } from '../../calibration/instruments/scpi-reference.js';
import { ScpiLine } from '../../calibration/instruments/scpi-line.js';
import { parseScpiLine } from '../../calibration/instruments/scpi-commands.js';
import { ManualReference } from '../../calibration/instruments/manual-reference.js';
import { serveScpi, type ScpiSerialServer } from '../../calibration/sim/scpi-serial-server.js';
import { SourceCommandHandler } from '../../calibration/sim/source-command-handler.js';
import { ReferenceCommandHandler } from '../../calibration/sim/reference-command-handler.js';
import { simulatedBench } from '../../calibration/sim/simulated-bench.js';
import { presetCurve } from '../../calibration/sim/dut-error-curves.js';
import { generatePlan } from '../../calibration/plan/generate-plan.js';
import { runPlan } from '../../calibration/run/run-plan.js';
import { ResultsStore } from '../../calibration/run/results-store.js';
import { TimeoutError, TransportError } from '../../drivers/errors.js';

const cleanups: (() => Promise<void>)[] = [];
test.after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

test('SCPI parsing accepts long and short forms', () => {
  assert.equal(parseScpiLine('SOURce:VOLTage 230'), { header: 'SOUR:VOLT', query: false, args: ['230'] });
  assert.equal(parseScpiLine('meas:ener?'), { header: 'MEAS:ENER', query: true, args: [] });
  assert.equal(parseScpiLine('*idn?'), { header: '*IDN', query: true, args: [] });
  assert.is(parseScpiLine('   '), null);
});

test('a d.c. plan runs through serial source and reference simulators and passes', async () => {
  const plan = generatePlan({ unV: 400, inA: 6, imaxA: 32, supply: 'dc', phases: 1 });
  plan.defaults.settleS = 2;
  plan.defaults.registerSettleS = 1;
  const clock = scaledClock(2000);
  const bench = simulatedBench({ plan, clock, dut: { curve: presetCurve('pass', { unV: 400, inA: 6, imaxA: 32 }) } });
  const srcPair: PtyPair = await openPtyPair();
  const refPair: PtyPair = await openPtyPair();
  cleanups.push(srcPair.close, refPair.close);
  const servers: ScpiSerialServer[] = [
    await serveScpi(srcPair.b, new SourceCommandHandler(bench.line)),
    await serveScpi(refPair.b, new ReferenceCommandHandler(bench.reference)),
  ];
  for (const s of servers) cleanups.push(s.close);
  const source = await ScpiSource.open({ path: srcPair.a });
  const reference = await ScpiReference.open({ path: refPair.a });
  cleanups.push(() => source.close(), () => reference.close());
  assert.match(await source.identify(), /^AMSGATE,SRC-SIM/);
  assert.match(await reference.identify(), /^AMSGATE,REF-SIM/);
  assert.is(await reference.accuracyPct(), 0.05);
  const store = new ResultsStore(':memory:');
  const res = await runPlan({ plan, source, reference, dut: bench.dut, store, clock: bench.clock });
  assert.is(res.points.length, 6);
  assert.is(res.verdict, 'pass', JSON.stringify(res.points.map((p) => [p.pointId, p.meanErrorPct, p.expandedPct])));
  store.close();
});

test('instrument refusals and silence become named errors', async () => {
  const pair = await openPtyPair();
  cleanups.push(pair.close);
  const clock = scaledClock(1);
  const plan = generatePlan({ unV: 230, inA: 5, imaxA: 60, supply: 'ac', phases: 1 });
  const bench = simulatedBench({ plan, clock, dut: { curve: () => 0 } });
  const server = await serveScpi(pair.b, new SourceCommandHandler(bench.line));
  const line = await ScpiLine.open({ path: pair.a, timeoutMs: 300 });
  try {
    await line.request('SOUR:VOLT 9999');
    assert.unreachable('out-of-range voltage accepted');
  } catch (e) {
    assert.instance(e, TransportError); // exit 3: the instrument, not the DUT
    assert.match((e as Error).message, /refused "SOUR:VOLT 9999": -222/);
  }
  assert.is(await line.request('SYST:ERR?'), '-222,SOUR:VOLT 9999 outside 0..480');
  await server.close();
  try {
    await line.request('*IDN?');
    assert.unreachable('no timeout');
  } catch (e) {
    assert.instance(e, TimeoutError);
  }
  await line.close();
});

test('manual reference re-asks until a valid reading is typed', async () => {
  const answers = ['', 'abc', '-5', '123,5'];
  const prompts: string[] = [];
  const ref = new ManualReference(async (p) => {
    prompts.push(p);
    return answers.shift() ?? '';
  });
  assert.is(await ref.readEnergyWh(), 123.5);
  assert.is(prompts.length, 4);
});

test.run();
