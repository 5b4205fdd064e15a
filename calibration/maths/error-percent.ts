// Percentage error of the device under test against the reference standard (pure).
// error % = (E_device - E_reference) / E_reference x 100; positive = the device registers too much (fast).
import { ConfigError } from '../../drivers/errors.js';

export function errorPercent(deviceWh: number, referenceWh: number): number {
  if (!(referenceWh > 0)) {
    throw new ConfigError('reference-energy', `reference energy must be positive to compute an error; got ${referenceWh} Wh (was the source output on?)`);
  }
  return ((deviceWh - referenceWh) / referenceWh) * 100;
}
