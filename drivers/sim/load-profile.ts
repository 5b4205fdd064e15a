// Load profiles for simulators: the power an asset draws (+) or exports (-) at a given time.
export type LoadProfileName = 'ev-charging' | 'battery' | 'constant';

export interface LoadPoint {
  /** Total active power in watts, + = import into the asset. */
  powerW: number;
  /** Power factor magnitude (0..1]. */
  pf: number;
  /** True when current leads voltage (capacitive). */
  leading: boolean;
}

export type LoadProfile = (atMs: number) => LoadPoint;

const HOUR = 3_600_000;
const hourOfDay = (ms: number): number => (((ms % (24 * HOUR)) + 24 * HOUR) % (24 * HOUR)) / HOUR;

/** EV charging: sessions 18:00-23:30 and 07:00-08:00 UTC at `maxW` with a soft ramp, idle otherwise. */
export function evCharging(maxW = 7400): LoadProfile {
  return (t) => {
    const h = hourOfDay(t);
    const on = (h >= 18 && h < 23.5) || (h >= 7 && h < 8);
    if (!on) return { powerW: 0, pf: 1, leading: false };
    const since = h >= 18 ? h - 18 : h - 7;
    const ramp = Math.min(1, since * 12); // five-minute ramp
    return { powerW: maxW * ramp, pf: 0.99, leading: false };
  };
}

/** Home battery: charge 10:00-15:00, discharge (export) 16:00-20:00, small standby draw otherwise. */
export function battery(maxW = 5000): LoadProfile {
  return (t) => {
    const h = hourOfDay(t);
    if (h >= 10 && h < 15) return { powerW: maxW * 0.8, pf: 0.98, leading: false };
    if (h >= 16 && h < 20) return { powerW: -maxW, pf: 0.97, leading: true };
    return { powerW: 15, pf: 0.5, leading: false };
  };
}

export function constant(powerW = 1000, pf = 1, leading = false): LoadProfile {
  return () => ({ powerW, pf, leading });
}

export function profileByName(name: LoadProfileName, ratingW?: number): LoadProfile {
  switch (name) {
    case 'ev-charging':
      return evCharging(ratingW);
    case 'battery':
      return battery(ratingW);
    case 'constant':
      return constant(ratingW);
  }
}
