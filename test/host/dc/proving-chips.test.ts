// Proving test on the UART chips and IEC 62056-21 meters: the energy quantity read from the line and scaled by the
// documented transfer function (host-cli/commissioning/chip-energy-scale.ts), against simulators whose physics put
// it there; and live proving runs on a simulated BL0942 and a CSE7766 whose 16-bit counter wraps within the period.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogEntry } from '../../../drivers/catalog.js';
import { scaledClock, systemClock, type Clock } from '../../../drivers/clock.js';
import { rational } from '../../../drivers/rational.js';
import { openStore } from '../../../host-cli/collector/open-store.js';
import { KeyRing } from '../../../host-cli/collector/key-ring.js';
import { SimDevice } from '../../../host-cli/collector/sim-device.js';
import { verifyMessage } from '../../../host-cli/collector/verify-message.js';
import { openRawReader, rawWh } from '../../../host-cli/commissioning/raw-register-read.js';
import { proveCommand } from '../../../host-cli/commands/prove.js';
import { fixedIdentity } from '../exports/dataset.js';

const dir = mkdtempSync(join(tmpdir(), 'amsgate-prove-chips-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const pty = (): string => join(dir, `tty${++n}`);

/** Starts the model's simulator at rest with the given registers and reads each channel once with the raw reader. */
async function rawReadings(model: string, sim: { initialImportWh: number; initialExportWh?: number; board?: Record<string, string | number> }, readerBoard?: Record<string, string | number>) {
  const s = await catalogEntry(model).startSimulator({ listen: { serial: pty() }, clock: systemClock, profile: 'constant', ratingW: 0, wireTiming: false, ...sim });
  try {
    const out = [];
    for (const channel of sim.initialExportWh === undefined ? (['import'] as const) : (['import', 'export'] as const)) {
      const r = await openRawReader(model, { serial: s.address }, 1, systemClock, readerBoard);
      try {
        out.push(await r!.read(channel));
      } finally {
        await r!.close();
      }
    }
    return out;
  } finally {
    await s.close();
  }
}

test('BL0942: CF_CNT x 419430.4 / (3600 x PREF) Wh; a board with PREF 419.4304 makes a pulse 1000 J exactly', async () => {
  const board = { pref: '419.4304' };
  const [r] = await rawReadings('bl0942', { initialImportWh: 1000, board }, board);
  // 1000 Wh = 3.6 MJ = 3600 pulses of 1000 J.
  assert.equal([r!.counts, r!.counterBits], [3600n, 24]);
  assert.equal(rawWh(r!), rational(1000n));
});

test('CSE7766: CF pulses x the frame\'s own Pcoef microjoules; Pcoef 3 600 000 makes a pulse 1 mWh exactly', async () => {
  // The reader is given no board: the chip's frame carries the coefficient.
  const [r] = await rawReadings('cse7766', { initialImportWh: 50, board: { powerCoef: 3_600_000 } });
  assert.equal([r!.counts, r!.counterBits], [50_000n, 16]);
  assert.equal(rawWh(r!), rational(50n));
});

test('IEC 62056-21: the readout\'s current 1.8.0 / 2.8.0 digits with their unit, not the billing-period values', async () => {
  const [imp, exp] = await rawReadings('iec62056', { initialImportWh: 1_523_410, initialExportWh: 12_345 });
  assert.equal([imp!.counts, imp!.counterBits], [1_523_410n, null]);
  assert.equal(rawWh(imp!), rational(1_523_410n));
  assert.equal(rawWh(exp!), rational(12_345n));
});

/** A collector store holding `energyWh` for the period starting at `start` (what a gateway would have sent). */
async function collectorWith(start: string, energyWh: number): Promise<string> {
  const sim = new SimDevice(fixedIdentity('gw-chip'));
  const rec = sim.interval({ start, meter: 'm', amsid: '2000000000015', energyWh });
  const db = join(dir, `c${++n}.sqlite`);
  const store = await openStore(db);
  await store.addKey({ device: 'gw-chip', kid: sim.identity.kid, alg: 'EdDSA', jwk: sim.identity.publicJwk, validFrom: 0, validTo: null, source: 'test', addedAt: 0 });
  const v = verifyMessage('amsgate/v1/gw-chip/interval', rec.compact, KeyRing.from(await store.listKeys()), 1);
  await store.ingest(v.ok ? [v.record] : [], []);
  await store.close();
  return db;
}

async function liveProve(model: string, ratingW: number, board?: Record<string, string | number>, speed = 300) {
  // The physics: ratingW for half an hour.
  const db = await collectorWith('2026-11-22T10:30:00Z', ratingW / 2);
  // Simulated time starts 3 s (real) before SP 22 (10:30 GMT; room for a loaded machine to start the simulator) and
  // runs `speed` times faster: at 300x the period takes 6 s. Faster, the event loop's few ms between a reply and its
  // time stamp become more than 1 % of the period.
  const clock: Clock = scaledClock(speed, Date.parse('2026-11-22T10:30:00Z') - 3000 * speed);
  const sim = await catalogEntry(model).startSimulator({ listen: { serial: pty() }, clock, profile: 'constant', ratingW, wireTiming: false, ...(board ? { board } : {}) });
  try {
    const config = join(dir, `gw${++n}.json`);
    const meter = { id: 'm', model, connection: { serial: sim.address }, ...(board ? { board } : {}), serial: 'X1', amsid: { import: '2000000000015' }, role: 'charger', phases: 1, ratedVoltageV: 230, ratedCurrentA: 5, maxCurrentA: 16 };
    writeFileSync(config, JSON.stringify({ deviceId: 'gw-chip', storePath: join(dir, 'gwdata'), meters: [meter] }));
    return await proveCommand({ config, period: '2026-11-22/22', channel: 'import', collectorDb: db, waitS: 0, pollS: 1 }, clock, () => {});
  } finally {
    await sim.close();
  }
}

test('live on a BL0942: the raw CF_CNT is what is proved, the driver (with the meter\'s board) agrees', async () => {
  const o = await liveProve('bl0942', 3000, { profile: 'derived' });
  assert.is(o.code, 0, `${o.result.detail} ${JSON.stringify(o.result.figures)}`);
  assert.match(o.result.figures['register read']!, /BL0942 CF_CNT x 419430.4 \/ \(3600 x PREF\) Wh/);
  assert.is(o.result.figures['received Wh'], '1500');
  assert.ok(Number(o.result.figures['driver and raw reads apart s (both boundaries)']) > 0);
});

test('live on a BL0942 whose driver scales with the wrong PREF: the scaling error does not prove itself', async () => {
  const entry = catalogEntry('bl0942');
  const openDriver = entry.openDriver;
  // The fault: a driver that scales by twice the meter's PREF (half the energy per pulse).
  entry.openDriver = (conn, o) => openDriver(conn, { ...o, board: { pref: '1246.00406806' } });
  try {
    const o = await liveProve('bl0942', 3000, { profile: 'derived' });
    assert.is(o.code, 1);
    assert.match(o.result.detail, /^the driver's register advance \([\d.]+ Wh\) differs from the documented register's \([\d.]+ Wh\): a scaling error in the driver$/);
  } finally {
    entry.openDriver = openDriver;
  }
});

test('live on a CSE7766 whose 16-bit counter wraps about 5 times in the period: read in between and extended', async () => {
  // Pcoef 5 000 000 uJ: 65536 pulses span 327.7 kJ, 328 s at 1 kW; the period is 1800 s. At 100x a wrap comes every
  // 3.3 s of real time (at 300x every 1.1 s: a loaded machine's pauses between two reads then miss a whole wrap).
  const o = await liveProve('cse7766', 1000, undefined, 100);
  assert.is(o.code, 0, `${o.result.detail} ${JSON.stringify(o.result.figures)}`);
  assert.match(o.result.figures['register read']!, /CSE7766 CF pulses x Pcoef/);
  assert.is(o.result.figures['received Wh'], '500');
  // 1 kW for the half hour, give or take the energy of the seconds between each reading and its boundary.
  const adv = Number(o.result.figures['register advance Wh']);
  const skewS = Number(o.result.figures['reading skew from the boundaries s']);
  assert.ok(Math.abs(adv - 500) <= (1000 * skewS) / 3600 + 1, `advance ${adv} Wh, skew ${skewS} s`);
});

test.run();
