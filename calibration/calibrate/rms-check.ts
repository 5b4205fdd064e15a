// RMS check for the chip's voltage and current gains: the device's Urms/Irms against the source at
// Un, 50 % Imax, PF 1 (the source's setting is the reference here; its accuracy bounds the result).
import type { Clock } from '../../drivers/clock.js';
import type { MeterDriver } from '../../drivers/meter-driver.js';
import type { BenchSource } from '../instruments/instrument-types.js';
import type { Plan } from '../plan/plan-schema.js';
import type { RmsCheck } from './chip-registers.js';

export async function rmsCheck(plan: Plan, source: BenchSource, dut: MeterDriver, clock: Clock, settleMs = 2000): Promise<RmsCheck | null> {
  const i = plan.device.imaxA / 2;
  await source.output(false);
  await source.apply({ voltageV: plan.device.unV, currentA: i, phaseDeg: 0, frequencyHz: plan.device.fnHz ?? null });
  await source.output(true);
  await clock.sleep(settleMs);
  try {
    const s = await dut.sample();
    const v = s.instant.voltageV?.[0];
    const a = s.instant.currentA?.[0];
    return v && a ? { referenceV: plan.device.unV, measuredV: v, referenceA: i, measuredA: a } : null;
  } finally {
    await source.output(false);
  }
}
