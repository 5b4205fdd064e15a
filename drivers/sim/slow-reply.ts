// A slow device (FaultSpec.slowMs): the extra time before a simulator's reply, shared by the Modbus servers and
// the serial chip simulators so every transport is slow the same way.
import type { FaultSpec } from '../catalog.js';

/** Extra ms before this reply; draws from `random` only when a slowRate below 1 is set (seeded sequences stay put). */
export function slowDelayMs(f: FaultSpec | undefined, random: () => number): number {
  const ms = f?.slowMs ?? 0;
  if (!(ms > 0)) return 0;
  const rate = f?.slowRate ?? 1;
  return rate >= 1 || random() < rate ? ms : 0;
}
