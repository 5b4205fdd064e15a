// RMS check for the chip's voltage and current gains: the device's Urms/Irms at Un, 50 % Imax, PF 1 against
// the reference standard's RMS readings, or against the source's set values where the standard has none
// (then the source's setting accuracy enters the RMS gains).
import type { Clock } from '../../drivers/clock.js';
import type { MeterDriver } from '../../drivers/meter-driver.js';
import type { BenchSource, ReferenceStandard } from '../instruments/instrument-types.js';
import type { Plan } from '../plan/plan-schema.js';
import type { RmsCheck } from './chip-registers.js';

export async function rmsCheck(plan: Plan, source: BenchSource, reference: ReferenceStandard | null, dut: MeterDriver, clock: Clock, settleMs = 2000): Promise<RmsCheck | null> {
  const i = plan.device.imaxA / 2;
  await source.output(false);
  await source.apply({ voltageV: plan.device.unV, currentA: i, phaseDeg: 0, frequencyHz: plan.device.fnHz ?? null });
  await source.output(true);
  await clock.sleep(settleMs);
  try {
    const s = await dut.sample();
    const ref = (await reference?.measureRms?.()) ?? null;
    const v = s.instant.voltageV?.[0];
    const a = s.instant.currentA?.[0];
    if (!v || !a) return null;
    return { referenceV: ref?.voltageV ?? plan.device.unV, measuredV: v, referenceA: ref?.currentA ?? i, measuredA: a };
  } finally {
    await source.output(false);
  }
}
