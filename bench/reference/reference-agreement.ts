// Energy/power agreement of a Modbus driver against an independent reference (pymodbus_meter.py): the reference
// models a constant load (energy = power x time, exact) and encodes its registers from the datasheet layout, in
// Python, sharing nothing with our drivers, models or simulators. Over a simulated hour per load the driver's energy
// register advance is compared with the reference's energy, and its polled power with the reference's power.
import type { CatalogEntry } from '../../drivers/catalog.js';
import { ManualClock } from '../../drivers/clock.js';
import { registerWhileFlowing, type EnergyRegister, type MeterSample } from '../../drivers/meter-driver.js';
import { toNumber } from '../../drivers/rational.js';
import { startReferenceMeter } from './pymodbus-meter.js';

export interface ReferenceLoad {
  name: string;
  voltageV: number;
  currentA: number;
  pf: number;
}

/** Three loads per phase, import (230 V). */
export const REFERENCE_LOADS: ReferenceLoad[] = [
  { name: '2 A PF 1', voltageV: 230, currentA: 2, pf: 1 },
  { name: '16 A PF 0.8', voltageV: 230, currentA: 16, pf: 0.8 },
  { name: '32 A PF 0.5', voltageV: 230, currentA: 32, pf: 0.5 },
];

export interface ReferenceRow {
  model: string;
  load: string;
  /** Total power the reference shows, W, and the mean of the driver's polled power. */
  truthW: number;
  polledW: number;
  powerDiffFraction: number;
  /** Energy the reference integrated over the hour (exact), and the driver's register advance. */
  truthWh: number;
  registerWh: number;
  resolutionWh: number;
  energyDiffFraction: number;
  /** |register - truth| <= resolution + 0.5 % and |polled P - P| <= 0.5 %. */
  ok: boolean;
}

const ratio = ([n, d]: [bigint, bigint]): number => Number(n) / Number(d);

function advanceCounts(a: EnergyRegister, b: EnergyRegister): bigint {
  let d = b.value - a.value;
  if (d < 0n && a.counterBits !== null) d += 1n << BigInt(a.counterBits);
  return d;
}

export async function referenceAgreement(entry: CatalogEntry, hourMs: number, steps: number): Promise<ReferenceRow[]> {
  const ref = await startReferenceMeter(entry.id);
  const clock = new ManualClock(Date.UTC(2026, 9, 25, 10));
  const rows: ReferenceRow[] = [];
  try {
    const drv = await entry.openDriver({ tcp: ref.address }, { unit: 1, clock });
    try {
      for (const load of REFERENCE_LOADS) {
        const truthW = await ref.point(load.voltageV, load.currentA, load.pf);
        const e0 = ratio((await ref.energy()).importWh);
        let prev: MeterSample = await drv.sample();
        let counts = 0n;
        let powerSum = 0;
        for (let i = 0; i < steps; i++) {
          await ref.advance(hourMs / steps);
          await clock.advance(hourMs / steps);
          const next = await drv.sample();
          counts += advanceCounts(registerWhileFlowing(prev, 'import')!, registerWhileFlowing(next, 'import')!);
          powerSum += Math.abs(next.instant.powerW ?? NaN);
          prev = next;
        }
        const reg = registerWhileFlowing(prev, 'import')!;
        const whPerCount = toNumber(reg.whPerCount);
        const registerWh = Number(counts) * whPerCount;
        const resolutionWh = Math.max(whPerCount, reg.floatUlpWh ?? 0);
        const truthWh = ratio((await ref.energy()).importWh) - e0;
        const polledW = powerSum / steps;
        rows.push({
          model: entry.id,
          load: load.name,
          truthW,
          polledW,
          powerDiffFraction: (polledW - truthW) / truthW,
          truthWh,
          registerWh,
          resolutionWh,
          energyDiffFraction: (registerWh - truthWh) / truthWh,
          ok: Math.abs(registerWh - truthWh) <= resolutionWh + 0.005 * truthWh && Math.abs(polledW - truthW) <= 0.005 * truthW,
        });
      }
    } finally {
      await drv.close().catch(() => {});
    }
  } finally {
    await ref.close();
  }
  return rows;
}
