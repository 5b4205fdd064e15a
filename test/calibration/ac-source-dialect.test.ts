// The Keysight AC6800B-style AC source dialect chosen in the bench setup file: its codec, its simulator's rules,
// and a plan run through it (AC source for the voltage, phantom load for the current) over pty pairs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ac6800ApplyMessages, ac6800RangeFor, parseSystemError } from '../../calibration/instruments/ac6800-dialect.js';
import { generatePlan } from '../../calibration/plan/generate-plan.js';
import { realSetup, simulatedSetup } from '../../calibration/run/bench-setup.js';
import { readBenchSetupFile } from '../../calibration/run/bench-setup-file.js';
import { ResultsStore } from '../../calibration/run/results-store.js';
import { runPlan } from '../../calibration/run/run-plan.js';
import { Ac6800CommandHandler } from '../../calibration/sim/ac6800-command-handler.js';
import { BenchLine } from '../../calibration/sim/bench-line.js';
import { SourceCommandHandler } from '../../calibration/sim/source-command-handler.js';
import type { OperatingPoint } from '../../drivers/sim/physical-meter.js';
import { ConfigError, TransportError } from '../../drivers/errors.js';
import { Ac6800Source } from '../../calibration/instruments/ac6800-source.js';
import { InstrumentError } from '../../calibration/instruments/instrument-error.js';
import type { PhantomLoad } from '../../calibration/instruments/phantom-load.js';
import { SplitSource } from '../../calibration/instruments/split-source.js';
import { serveScpi } from '../../calibration/sim/scpi-serial-server.js';
import { socatPair } from '../../calibration/sim/socat-pty.js';

const dir = mkdtempSync(join(tmpdir(), 'amsgate-acsrc-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('codec: the smallest range that holds the level; the level goes to 0 before the range changes', () => {
  assert.is(ac6800RangeFor(137.5), 135);
  assert.is(ac6800RangeFor(137.6), 270);
  assert.is(ac6800RangeFor(275), 270);
  assert.is(ac6800RangeFor(275.1), null);
  assert.equal(ac6800ApplyMessages(230, 50), ['OUTPut:COUPling AC', 'VOLTage 0', 'VOLTage:RANGe 270', 'VOLTage 230', 'FREQuency 50']);
  assert.throws(() => ac6800ApplyMessages(300, 50), /300 V is outside/);
  assert.equal(parseSystemError('+0,"No error"'), { code: 0, text: 'No error' });
  assert.equal(parseSystemError('-222,"Data out of range"'), { code: -222, text: 'Data out of range' });
  assert.is(parseSystemError('OK'), null);
});

test('simulator: long/short forms, optional nodes, ";" keeps the subsystem, ";:" returns to the root, errors queue', () => {
  const seen: OperatingPoint[] = [];
  const line = new BenchLine([{ force: (p) => p && seen.push(p) }]);
  const h = new Ac6800CommandHandler(line);
  assert.is(h.handle('VOLTage:RANGe 270;:SOURce:VOLTage:LEVel:IMMediate:AMPLitude 230;:SYST:ERR?'), '+0,"No error"');
  assert.is(h.handle('volt?;:VOLT:RANG?'), '230;270');
  // Within the VOLTage subsystem "RANGe" continues the path: the coupled range refuses a level it cannot hold.
  assert.is(h.handle('VOLT:RANG 135;:SYSTem:ERRor?'), '-221,"Settings conflict; level 230 V exceeds the 135 V range"');
  assert.is(h.handle('FREQ 50;:OUTPut:STATe ON;:OUTP?;:SYST:ERR?'), '1;+0,"No error"');
  assert.is(line.state().voltageOn, true);
  assert.is(line.state().on, false, 'no current until the phantom load is on');
  assert.is(h.handle('VOLT 300;:SYST:ERR?'), '-222,"Data out of range; 300 outside 0..275"');
  assert.is(h.handle('OUTP:COUP DC;:SYST:ERR?'), '-221,"Settings conflict; the simulated source has a.c. coupling only"');
  assert.is(h.handle('VOLT:BOGUS 1;:SYST:ERR?'), '-113,"Undefined header; VOLT:BOGUS"');
  assert.is(h.handle('SYST:ERR?'), '+0,"No error"');
  // The phantom load on the same line switches only the current and sets no voltage.
  const load = new SourceCommandHandler(line, 'LOAD', undefined, 'current');
  assert.is(load.handle('SOUR:VOLT 230'), 'ERR -113,SOUR:VOLT: a phantom load sets no voltage');
  assert.is(load.handle('SOUR:CURR 6'), 'OK');
  assert.is(load.handle('OUTP ON'), 'OK');
  assert.is(line.state().on, true);
  const last = seen.at(-1)!;
  assert.equal([last.voltageV, last.currentA, last.frequencyHz], [230, 6, 50]);
  h.handle('OUTP OFF');
  assert.equal([seen.at(-1)!.voltageV, seen.at(-1)!.currentA], [0, 6], 'voltage off: no energy flows');
});

test('the setup file chooses the source dialect and the load; a misspelt key is refused', () => {
  const good = join(dir, 'setup.yaml');
  writeFileSync(good, 'source: { port: /dev/ttyUSB1, dialect: keysight-ac6800b }\nload: { port: /dev/ttyUSB3 }\n');
  const f = readBenchSetupFile(good);
  assert.is(f.source.dialect, 'keysight-ac6800b');
  assert.equal(f.load, { port: '/dev/ttyUSB3', dialect: 'amsgate-scpi' });
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'source: { dialect: keysight-ac6800b }\nloads: { port: /dev/ttyUSB3 }\n');
  assert.throws(() => readBenchSetupFile(bad), (e: Error) => e instanceof ConfigError && /loads/.test(e.message));
});

const opts = { dutModel: 'sim-meter', dutError: 'pass', chipGainError: 0, chipPhaseErrorDeg: 0, speed: 2000, inProcess: false, sourceDialect: 'keysight-ac6800b' as const };

test('the AC source dialect refuses d.c. and three-phase plans before anything is opened', async () => {
  for (const [plan, re] of [
    [generatePlan({ unV: 400, inA: 6, imaxA: 32, supply: 'dc', phases: 1 }), /a\.c\. plans only/],
    [generatePlan({ unV: 230, inA: 5, imaxA: 65, supply: 'ac', phases: 3 }), /single-phase/],
  ] as const) {
    try {
      await simulatedSetup(plan, opts);
      assert.unreachable();
    } catch (e) {
      assert.instance(e, ConfigError);
      assert.match((e as Error).message, re);
    }
  }
});

test('a real bench with the AC source dialect but no phantom load is a usage error before any port opens', async () => {
  const plan = generatePlan({ unV: 230, inA: 6, imaxA: 32, supply: 'ac', phases: 1 });
  const e = await realSetup(plan, { dutModel: 'sdm120', dutConn: { tcp: '127.0.0.1:1' }, source: join(dir, 'no-such-port'), reference: join(dir, 'no-such-ref'), sourceDialect: 'keysight-ac6800b' }).then(() => null, (x: Error) => x);
  assert.instance(e, ConfigError);
  assert.match(e!.message, /give the phantom load as load: \{port: \.\.\.\} in the setup file/);
});

test('an a.c. plan runs through the AC source and the phantom load over ptys and passes', async () => {
  const plan = generatePlan({ unV: 230, inA: 6, imaxA: 32, supply: 'ac', phases: 1 });
  plan.points = plan.points.filter((p) => p.pfKind !== 'unity').slice(0, 2); // a lag and a lead point: the angle reaches the line
  plan.defaults.settleS = 1;
  const setup = await simulatedSetup(plan, opts);
  try {
    const store = new ResultsStore(':memory:');
    const res = await runPlan({ plan, source: setup.source, reference: setup.reference, dut: setup.dut, store, clock: setup.clock, environment: { temperatureC: 23 } });
    assert.is(res.verdict, 'pass', JSON.stringify(res.points.map((p) => [p.pointId, p.meanErrorPct, p.expandedPct])));
    assert.match(store.run(res.runId)!.sourceId, /^Keysight Technologies,AC6802B,SIM0002,A\.01\.00 \+ load AMSGATE,LOAD-SIM/);
  } finally {
    await setup.close();
  }
});

test('an AC source that refuses a setting is an InstrumentError naming the command (exit 3)', async () => {
  const line = new BenchLine([]);
  const pair = await socatPair('acsrc-refuse');
  const srv = await serveScpi(pair.server, new Ac6800CommandHandler(line, undefined, [55, 65])); // a 60 Hz-only unit
  const src = await Ac6800Source.open({ path: pair.client });
  try {
    const e = await src.applyVoltage(230, 50).then(() => null, (x: Error) => x);
    assert.instance(e, InstrumentError);
    assert.instance(e, TransportError, 'a TransportError: exit 3, not 1');
    assert.match(e!.message, /AC source refused "FREQuency 50": -222,"Data out of range; 50 outside 55..65"/);
    const r = await src.applyVoltage(400, 60).then(() => null, (x: Error) => x);
    assert.match(r!.message, /400 V is outside the AC6800B's ranges/);
  } finally {
    await src.close();
    await srv.close();
    await pair.close();
  }
});

test('switching off: the voltage goes off even when the phantom load refuses, and the refusal is thrown', async () => {
  const calls: string[] = [];
  const voltage = { output: async (on: boolean) => void calls.push(`V ${on}`) } as unknown as Ac6800Source;
  const current = { output: async (on: boolean) => { calls.push(`I ${on}`); if (!on) throw new InstrumentError('instrument-refused', 'load refused "OUTP OFF"'); } } as unknown as PhantomLoad;
  const s = new SplitSource(voltage, current);
  await s.output(true);
  const e = await s.output(false).then(() => null, (x: Error) => x);
  assert.equal(calls, ['V true', 'I true', 'I false', 'V false']);
  assert.match(e!.message, /load refused "OUTP OFF"/);
});

test.run();
