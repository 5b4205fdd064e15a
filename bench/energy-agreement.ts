// Energy/power agreement of every driver over a simulated hour at three loads: each catalog driver reads its own
// simulator (the chip's or meter's wire protocol on a socat pty or Modbus TCP), the simulated clock runs an hour in
// steps, and the register's energy advance is compared with the integral of the power the driver polled.
//
//   node --import tsx bench/energy-agreement.ts [--json]
//
// Prints per driver and load: register advance, integral of polled power, difference in % and the register
// resolution; exits 1 when any row is outside resolution + 0.5 % (the rule of drivers/sim/energy-agreement.ts).
//
// Our simulators could share a driver's wrong assumption, so the Modbus drivers are also read from an independent
// reference (bench/reference/pymodbus_meter.py: python3-pymodbus, registers laid out from the datasheets in Python):
// the second table compares each driver's register advance with the reference's exact energy (power x time) and its
// polled power with the reference's power, over a simulated hour at three loads.
import { catalog, type CatalogEntry, type ConnectionSpec, type RunningSimulator } from '../drivers/catalog.js';
import { ManualClock } from '../drivers/clock.js';
import { registerWhileFlowing, type MeterDriver } from '../drivers/meter-driver.js';
import { CROSS_CHECK_POINTS, crossCheck, type Agreement } from '../drivers/sim/energy-agreement.js';
import { nextChangedSample } from '../drivers/sim/sample-until.js';
import { openPtyPair, type PtyPair } from '../test/helpers/pty-pair.js';
import { referenceAgreement, type ReferenceRow } from './reference/reference-agreement.js';

const HOUR = 3_600_000;
/** Poll steps per hour: CSE7766 every 2 min (its 16-bit counter wraps in ~3 min at 1840 W), others every 10 min. */
const stepsFor = (id: string): number => (id === 'cse7766' ? 30 : 6);

interface Row extends Agreement {
  model: string;
  load: string;
  /** Total power of the point (per-phase point times phases). */
  powerW: number;
}

async function open(entry: CatalogEntry, clock: ManualClock): Promise<{ sim: RunningSimulator; drv: MeterDriver; close(): Promise<void> }> {
  let pair: PtyPair | undefined;
  let listen: ConnectionSpec;
  if (entry.transport === 'modbus') listen = { tcp: '127.0.0.1:0' };
  else {
    pair = await openPtyPair();
    listen = { serial: pair.b, ...entry.defaultLine };
  }
  const sim = await entry.startSimulator({ listen, unit: 1, clock, profile: 'constant', wireTiming: entry.transport !== 'iec62056' });
  const conn: ConnectionSpec = 'tcp' in listen ? { tcp: sim.address } : { serial: pair!.a, ...entry.defaultLine };
  const drv = await entry.openDriver(conn, { unit: 1, clock });
  return {
    sim,
    drv,
    async close() {
      await drv.close().catch(() => {});
      await sim.close().catch(() => {});
      await pair?.close();
    },
  };
}

const rows: Row[] = [];
for (const entry of catalog.values()) {
  const clock = new ManualClock(Date.UTC(2026, 9, 25, 10));
  const rig = await open(entry, clock);
  try {
    for (const c of CROSS_CHECK_POINTS) {
      const a = await crossCheck({
        clock,
        sim: rig.sim,
        drv: rig.drv,
        point: c.point,
        durationMs: HOUR,
        steps: stepsFor(entry.id),
        register: (s) => registerWhileFlowing(s, 'import')!,
        ...(entry.id === 'cse7766' ? { fresh: nextChangedSample } : {}),
      });
      const perPhaseW = c.point.voltageV * c.point.currentA * Math.cos((c.point.phaseDeg * Math.PI) / 180);
      rows.push({ model: entry.id, load: c.name.replace(/^\d+ W /, ''), powerW: perPhaseW * entry.phases, ...a });
    }
  } finally {
    await rig.close();
  }
}

const reference: ReferenceRow[] = [];
for (const entry of catalog.values()) if (entry.transport === 'modbus') reference.push(...(await referenceAgreement(entry, HOUR, 6)));

const printTable = (head: string[], body: string[][]) => {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  for (const line of [head, ...body]) process.stdout.write(`${line.map((c, i) => c.padEnd(widths[i]!)).join('  ')}\n`);
};

if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify({ ownSimulators: rows, independentReference: reference }, null, 2)}\n`);
} else {
  process.stdout.write('Each driver against its own simulator (register advance vs the integral of the power it polled):\n\n');
  const head = ['model', 'power W', 'load', 'register Wh', 'integral of P Wh', 'diff %', 'resolution Wh', 'ok'];
  const body = rows.map((r) => [
    r.model,
    r.powerW.toFixed(0),
    r.load,
    r.registerWh.toFixed(3),
    r.integratedWh.toFixed(3),
    (r.diffFraction * 100).toFixed(3),
    r.resolutionWh.toPrecision(4),
    r.ok ? 'yes' : 'NO',
  ]);
  printTable(head, body);
  process.stdout.write('\nrule: |register - integral| <= resolution + 0.5 % of the integral, over one simulated hour per load\n');
  process.stdout.write('\nModbus drivers against the independent pymodbus reference meter (bench/reference/pymodbus_meter.py):\n\n');
  printTable(
    ['model', 'load/phase', 'ref P W', 'polled P W', 'P diff %', 'ref energy Wh', 'register Wh', 'E diff %', 'resolution Wh', 'ok'],
    reference.map((r) => [
      r.model,
      r.load,
      r.truthW.toFixed(1),
      r.polledW.toFixed(1),
      (r.powerDiffFraction * 100).toFixed(3),
      r.truthWh.toFixed(3),
      r.registerWh.toFixed(3),
      (r.energyDiffFraction * 100).toFixed(3),
      r.resolutionWh.toPrecision(4),
      r.ok ? 'yes' : 'NO',
    ]),
  );
  process.stdout.write('\nrule: |register - reference energy| <= resolution + 0.5 % and |polled P - reference P| <= 0.5 %, one simulated hour per load\n');
}
process.exitCode = rows.every((r) => r.ok) && reference.every((r) => r.ok) ? 0 : 1;
