// Waiting for a condition instead of sleeping: a streaming chip (CSE7766) may still deliver frames encoded before
// a simulated clock moved, so tests and benches read samples until the register shows the new state.
import { energyRegisters, type MeterDriver, type MeterSample } from '../meter-driver.js';

const registerValues = (s: MeterSample): string => energyRegisters(s).map(([k, r]) => `${k}=${r.value}`).join(',');

/** Samples until `ok(sample)` holds; fails after `limit` samples, naming the last one. */
export async function sampleUntil(drv: MeterDriver, ok: (s: MeterSample) => boolean, limit = 100): Promise<MeterSample> {
  let last: MeterSample | undefined;
  for (let i = 0; i < limit; i++) {
    last = await drv.sample();
    if (ok(last)) return last;
  }
  throw new Error(`condition not met within ${limit} samples; last sample registers ${last ? registerValues(last) : 'none'}`);
}

/** The first sample whose energy registers differ from `before`'s. */
export const nextChangedSample = (drv: MeterDriver, before: MeterSample): Promise<MeterSample> =>
  sampleUntil(drv, (s) => registerValues(s) !== registerValues(before));
