// How long to measure so that the device's register resolution uses at most a share of the limit (pure).
//
// Reading a register of resolution q (Wh per count) at the start and at the end of a repetition leaves an
// error of less than one count, q, in the registered energy. With E = P t / 3600 Wh:
//   q / E <= share x limit / 100   =>   t >= 3600 x 100 x q / (share x limit x P)   seconds.
import { ConfigError } from '../../drivers/errors.js';

export interface DurationInput {
  /** Register resolution, Wh per count. */
  whPerCount: number;
  /** Total active power at the point, W. */
  powerW: number;
  /** Limit of error at the point, +- percent. */
  limitPct: number;
  /** Share of the limit the resolution may use (0.1 = a tenth). */
  share: number;
  minS: number;
  maxS: number;
}

export function resolutionDurationS(i: DurationInput): number {
  if (!(i.powerW > 0)) throw new ConfigError('point-power', `power at the point must be positive; got ${i.powerW} W`);
  return (3600 * 100 * i.whPerCount) / (i.share * i.limitPct * i.powerW);
}

/** The measuring time per repetition: the resolution rule, at least minS, whole seconds; refuses above maxS. */
export function measurementDurationS(i: DurationInput): number {
  const need = resolutionDurationS(i);
  const t = Math.max(i.minS, Math.ceil(need));
  if (t > i.maxS) {
    throw new ConfigError(
      'duration-too-long',
      `register resolution ${i.whPerCount} Wh at ${i.powerW.toFixed(1)} W needs ${Math.ceil(need)} s per repetition for a ${i.share * 100} % share of the +-${i.limitPct} % limit, above maxDurationS ${i.maxS} s; raise defaults.maxDurationS, use a finer register or a pulse output`,
    );
  }
  return t;
}

/** The share of the limit the resolution actually uses for a measured energy. */
export function resolutionSharePct(whPerCount: number, energyWh: number): number {
  return (100 * whPerCount) / energyWh;
}
