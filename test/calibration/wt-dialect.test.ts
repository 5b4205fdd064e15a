// A Yokogawa WT300E-style reference (its own command dialect, integrating energy) chosen in the bench setup file,
// against its simulator on a pty pair; and the simulator's dialect rules on their own.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePlan } from '../../calibration/plan/generate-plan.js';
import { runPlan } from '../../calibration/run/run-plan.js';
import { ResultsStore } from '../../calibration/run/results-store.js';
import { simulatedSetup } from '../../calibration/run/bench-setup.js';
import { readBenchSetupFile } from '../../calibration/run/bench-setup-file.js';
import { WtCommandHandler } from '../../calibration/sim/wt-command-handler.js';
import { ReferenceModel } from '../../calibration/sim/reference-model.js';
import { VirtualClock } from '../../calibration/sim/virtual-clock.js';
import { ConfigError } from '../../drivers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'amsgate-wt-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('the simulator: one reply per message, ";"-joined; errors go to the queue', () => {
  const clock = new VirtualClock();
  const h = new WtCommandHandler(new ReferenceModel({ clock, phases: 1 }));
  assert.is(h.handle(':COMMunicate:HEADer OFF;:STATus:ERRor?'), '0,"No error"');
  assert.is(h.handle(':NUMeric:NORMal:ITEM1 URMS,1;:STATus:ERRor?'), '224,"Illegal parameter value"');
  assert.is(h.handle(':NUM:ITEM1 WH,1;:INTEG:STAR;:STAT:ERR?'), '0,"No error"');
  assert.is(h.handle(':INTEGrate:RESet;:STATus:ERRor?'), '813,"Integration is running"');
  assert.match(h.handle(':INTEG:STOP;:NUMeric:NORMal:VALue? 1')!, /^0(\.0+)?(e\+0)?$/);
});

test('the setup file chooses the dialect; a bad dialect is named', () => {
  const good = join(dir, 'setup.yaml');
  writeFileSync(good, 'reference:\n  port: /dev/ttyUSB2\n  dialect: yokogawa-wt300e\n');
  assert.is(readBenchSetupFile(good).reference.dialect, 'yokogawa-wt300e');
  assert.is(readBenchSetupFile(good).source.dialect, 'amsgate-scpi');
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'reference: { dialect: fluke }\n');
  try {
    readBenchSetupFile(bad);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, /reference.dialect/);
  }
});

test('a d.c. plan runs against the WT300E-style reference over a pty and passes', async () => {
  const plan = generatePlan({ unV: 400, inA: 6, imaxA: 32, supply: 'dc', phases: 1 });
  plan.points = plan.points.slice(0, 2);
  plan.defaults.settleS = 1;
  const setup = await simulatedSetup(plan, { dutModel: 'sim-meter', dutError: 'pass', chipGainError: 0, chipPhaseErrorDeg: 0, speed: 2000, inProcess: false, referenceDialect: 'yokogawa-wt300e' });
  try {
    const store = new ResultsStore(':memory:');
    const res = await runPlan({ plan, source: setup.source, reference: setup.reference, dut: setup.dut, store, clock: setup.clock, environment: { temperatureC: 23 } });
    assert.is(res.verdict, 'pass', JSON.stringify(res.points.map((p) => [p.pointId, p.meanErrorPct, p.expandedPct])));
    assert.match(store.run(res.runId)!.referenceId, /^YOKOGAWA,WT310E-SIM/);
    assert.is(store.run(res.runId)!.referenceAccuracySource, 'plan', 'the WT does not declare its accuracy');
  } finally {
    await setup.close();
  }
});

test.run();
