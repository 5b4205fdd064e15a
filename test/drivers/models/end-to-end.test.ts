// Driver against simulator over real transports: Modbus TCP sockets on 127.0.0.1 and a socat pty pair with
// simulated wire timing. Faults are injected in the running simulator and must show through the driver.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock, systemClock } from '../../../drivers/clock.js';
import { catalogEntry } from '../../../drivers/catalog.js';
import { DeviceError } from '../../../drivers/errors.js';
import type { MeterSample } from '../../../drivers/meter-driver.js';
import { toNumber } from '../../../drivers/rational.js';
import { wireTimeMs } from '../../../drivers/sim/wire-timing.js';
import { openPtyPair } from '../../helpers/pty-pair.js';

const HOUR = 3_600_000;
const wh = (s: MeterSample) => toNumber(s.energy.import!.whPerCount) * Number(s.energy.import!.value);

function seeded(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

async function rejects(fn: () => Promise<unknown>, check: (e: unknown) => boolean): Promise<void> {
  try {
    await fn();
  } catch (e) {
    assert.ok(check(e), `unexpected ${(e as Error).name}: ${(e as Error).message}`);
    return;
  }
  assert.unreachable('expected a rejection');
}

for (const id of ['sdm630', 'sdm120', 'em340', 'b23']) {
  test(`${id} over Modbus TCP: values, energy, frozen, exception, reset`, async () => {
    const entry = catalogEntry(id);
    const simClock = new ManualClock(1_700_000_000_000);
    const sim = await entry.startSimulator({ listen: { tcp: '127.0.0.1:0' }, unit: 7, clock: simClock, profile: 'constant', ratingW: 2400, random: () => 0.5 });
    const driver = await entry.openDriver({ tcp: sim.address }, { unit: 7, clock: systemClock });
    try {
      await simClock.advance(HOUR);
      const s = await driver.sample();
      assert.ok(Math.abs(s.instant.powerW! - 2400) < 2, `P ${s.instant.powerW}`);
      assert.ok(Math.abs(s.instant.voltageV![0]! - 230) < 1);
      assert.ok(Math.abs(wh(s) - 2400) <= Math.max(1, toNumber(s.energy.import!.whPerCount)), `import ${wh(s)}`);
      assert.is(s.frameErrors, 0);

      sim.setFaults({ frozen: true });
      const frozen = (await driver.sample()).energy.import!.value;
      await simClock.advance(HOUR);
      assert.is((await driver.sample()).energy.import!.value, frozen);
      sim.setFaults({ exceptionCode: 4 });
      await rejects(() => driver.sample(), (e) => e instanceof DeviceError && /exception 4/.test((e as Error).message));
      sim.setFaults({});
      assert.ok(Math.abs(wh(await driver.sample()) - 4800) <= Math.max(1, toNumber(s.energy.import!.whPerCount)));

      sim.resetRegisters();
      assert.is((await driver.sample()).energy.import!.value, 0n);
    } finally {
      await driver.close();
      await sim.close();
    }
  });
}

test('EM340 counter wrap over TCP: the register comes back small after the 2^31 limit', async () => {
  const entry = catalogEntry('em340');
  const simClock = new ManualClock(0);
  const limitWh = 2 ** 31 * 100;
  const sim = await entry.startSimulator({ listen: { tcp: '127.0.0.1:0' }, clock: simClock, profile: 'constant', ratingW: 6000, initialImportWh: limitWh - 200, random: () => 0.5 });
  const driver = await entry.openDriver({ tcp: sim.address }, { clock: systemClock });
  try {
    assert.is((await driver.sample()).energy.import!.value, 2n ** 31n - 2n);
    await simClock.advance(HOUR / 6); // +1000 Wh = +10 counts
    const s = await driver.sample();
    assert.is(s.energy.import!.value, 8n);
    assert.is(s.energy.import!.counterBits, 31);
  } finally {
    await driver.close();
    await sim.close();
  }
});

test('SDM630 over a socat pty at 9600 8N1 with wire timing: one read, takes at least its wire time; CRC faults are retried and counted', async () => {
  const pty = await openPtyPair();
  const entry = catalogEntry('sdm630');
  const simClock = new ManualClock(0);
  const sim = await entry.startSimulator({
    listen: { serial: pty.a, baud: 9600, parity: 'none' },
    clock: simClock,
    profile: 'constant',
    ratingW: 3000,
    wireTiming: true,
    random: seeded(42),
  });
  const driver = await entry.openDriver({ serial: pty.b, baud: 9600, parity: 'none' }, { clock: systemClock });
  try {
    await simClock.advance(HOUR);
    const t0 = performance.now();
    const s = await driver.sample();
    const took = performance.now() - t0;
    // 76 registers: 8-byte request + 157-byte response.
    const wire = wireTimeMs(8 + 5 + 152, { baud: 9600, dataBits: 8, parity: 'none', stopBits: 1 });
    assert.ok(took >= wire - 1, `sample took ${took.toFixed(1)} ms, wire time alone is ${wire.toFixed(1)} ms`);
    assert.ok(Math.abs(wh(s) - 3000) <= 1);

    sim.setFaults({ crcErrorRate: 0.4 });
    let frameErrors = 0;
    let retries = 0;
    let ok = 0;
    for (let i = 0; i < 6; i++) {
      try {
        const x = await driver.sample();
        frameErrors += x.frameErrors;
        retries += x.retries;
        ok++;
      } catch (e) {
        assert.instance(e, Error); // an exhausted retry budget is an error, never a stale sample
      }
    }
    assert.ok(ok > 0, 'no sample got through 40 % CRC errors with retries');
    assert.ok(frameErrors > 0 && retries > 0, `frameErrors ${frameErrors}, retries ${retries}`);
  } finally {
    await driver.close();
    await sim.close();
    await pty.close();
  }
});

test.run();
