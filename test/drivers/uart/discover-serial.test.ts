// discoverSerialDevice against each catalog simulator on a path the simulator creates ({ serial: path }), and
// against a line nobody answers on: the right device at its own line settings, within the stated bound.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { catalogEntry } from '../../../drivers/catalog.js';
import { systemClock } from '../../../drivers/clock.js';
import { discoverSerialDevice, serialProbeBoundMs, type SerialDeviceId } from '../../../drivers/uart/discover-serial.js';
import { openPtyPair } from '../../helpers/pty-pair.js';

// Short bounds keep the test quick; the IEC 62056-21 simulator reacts in 60 ms.
const opts = { timeoutMs: 100, iecReactionMs: 200 };

async function discoverAgainst(id: SerialDeviceId, wireTiming: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-discover-'));
  const path = join(dir, id);
  const sim = await catalogEntry(id).startSimulator({ listen: { serial: path }, clock: systemClock, profile: 'constant', ratingW: 500, wireTiming });
  try {
    const t0 = performance.now();
    const r = await discoverSerialDevice(sim.address, opts);
    return { ...r, ms: performance.now() - t0 };
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const expected: Record<SerialDeviceId, { baud: number; parity: string; dataBits: number; stopBits: number; probes: number }> = {
  cse7766: { baud: 4800, parity: 'even', dataBits: 8, stopBits: 1, probes: 1 },
  iec62056: { baud: 300, parity: 'even', dataBits: 7, stopBits: 1, probes: 2 },
  bl0942: { baud: 4800, parity: 'none', dataBits: 8, stopBits: 1, probes: 3 },
  atm90e26: { baud: 9600, parity: 'none', dataBits: 8, stopBits: 1, probes: 4 },
};

for (const id of Object.keys(expected) as SerialDeviceId[]) {
  test(`finds the ${id} simulator and reports its line settings`, async () => {
    const r = await discoverAgainst(id, id !== 'iec62056');
    assert.ok(r.found, `${id} not found`);
    const e = expected[id];
    assert.is(r.found.model, id);
    assert.equal(r.found.connection, { serial: r.found.connection.serial, baud: e.baud, parity: e.parity, dataBits: e.dataBits, stopBits: e.stopBits });
    assert.is(r.probes, e.probes, 'devices probed before it did not answer, and the scan stopped at it');
    if (id === 'iec62056') {
      assert.is(r.found.identification, 'AMS5amsgate-sim');
      assert.is(r.found.maxBaud, 9600);
    } else {
      assert.ok(Math.abs(r.found.voltageV! - 230) < 5, `${id}: ${r.found.voltageV} V`);
    }
  });
}

test('the IEC 62056-21 probe with wire timing (sign-on and identification at 300 baud) fits its bound', async () => {
  const r = await discoverAgainst('iec62056', true);
  assert.is(r.found?.model, 'iec62056');
  assert.ok(r.ms < serialProbeBoundMs({ ...opts, devices: ['cse7766', 'iec62056'] }) + 500, `${r.ms.toFixed(0)} ms`);
});

test('a silent line: nothing found, every device probed, within the stated bound', async () => {
  const pair = await openPtyPair();
  try {
    const t0 = performance.now();
    const r = await discoverSerialDevice(pair.a, opts);
    const ms = performance.now() - t0;
    assert.is(r.found, null);
    assert.is(r.probes, 4);
    const bound = serialProbeBoundMs(opts);
    assert.ok(ms >= bound * 0.9 && ms < bound + 1000, `${ms.toFixed(0)} ms against a bound of ${bound.toFixed(0)} ms`);
  } finally {
    await pair.close();
  }
});

test.run();
