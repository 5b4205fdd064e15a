// Watches a meter for a while: registers at the start and end, instantaneous power in between.
import type { Clock } from '../../drivers/clock.js';
import type { EnergyDirection, EnergyRegister, MeterDriver, MeterSample } from '../../drivers/meter-driver.js';
import { mul, rational, toNumber } from '../../drivers/rational.js';
import type { PowerSample } from './measurement-checks.js';

export interface Observation {
  first: MeterSample;
  last: MeterSample;
  samples: MeterSample[];
  power: PowerSample[];
  /** Register advance in Wh per direction (null when the meter has no such register). */
  advanceWh: Record<EnergyDirection, number | null>;
  /** The coarsest step of the registers involved, Wh (resolution plus float ULP). */
  resolutionWh: number;
}

function advance(a: EnergyRegister | undefined, b: EnergyRegister | undefined): number | null {
  if (!a || !b) return null;
  let counts = b.value - a.value;
  if (counts < 0n && a.counterBits !== null) counts += 1n << BigInt(a.counterBits);
  if (b.accumulatedByDriver || a.accumulatedByDriver) counts = b.value - a.value;
  return toNumber(mul(rational(counts), b.whPerCount));
}

function stepWh(r: EnergyRegister | undefined): number {
  if (!r) return 0;
  return toNumber(r.whPerCount) + (r.floatUlpWh ?? 0);
}

/** Samples every `sampleMs` for `durationMs` of the clock's time (at least two samples). */
export async function observe(driver: MeterDriver, clock: Clock, durationMs: number, sampleMs: number): Promise<Observation> {
  const samples: MeterSample[] = [await driver.sample()];
  const end = samples[0]!.at + durationMs;
  while (clock.now() < end) {
    await clock.sleep(Math.min(sampleMs, Math.max(0, end - clock.now())));
    samples.push(await driver.sample());
  }
  if (samples.length < 2) samples.push(await driver.sample());
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const power = samples.filter((s) => s.instant.powerW !== undefined).map((s) => ({ at: s.at, powerW: s.instant.powerW! }));
  // A both-directions counter (BL0942) advances whichever way the energy flows: it is the register of the direction
  // the power took during the observation, and the other direction shows no advance.
  const flow: EnergyDirection = power.reduce((a, p) => a + p.powerW, 0) < 0 ? 'export' : 'import';
  const reg = (x: MeterSample, dir: EnergyDirection): EnergyRegister | undefined =>
    x.energy[dir] ?? (dir === flow ? x.absoluteEnergy : undefined);
  const adv = (dir: EnergyDirection): number | null =>
    first.absoluteEnergy && !first.energy[dir] && dir !== flow ? 0 : advance(reg(first, dir), reg(last, dir));
  return {
    first,
    last,
    samples,
    power,
    advanceWh: { import: adv('import'), export: adv('export') },
    resolutionWh: Math.max(...[first, last].flatMap((x) => [stepWh(reg(x, 'import')), stepWh(reg(x, 'export'))])),
  };
}

/** Mean of the instantaneous values over an observation (for the plausibility and polarity checks). */
export function middleSample(o: Observation): MeterSample {
  return o.samples[Math.floor(o.samples.length / 2)]!;
}
