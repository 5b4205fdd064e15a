// The environment of a run as recorded, and whether it lies within the reference conditions (pure).
// Nothing here is made up: a value is measured by an instrument, entered by the operator, or null.

export interface EnvironmentReading {
  temperatureC: number | null;
  humidityPct: number | null;
}

export interface RecordedEnvironment extends EnvironmentReading {
  /** instrument: read from the bench's instrument; entered: --temperature/--humidity; null: not recorded. */
  source: 'instrument' | 'entered' | null;
  /** A second reading at the end of the run, where an instrument gave one. */
  end: EnvironmentReading | null;
}

export interface ReferenceConditions {
  referenceTemperatureC: number;
  toleranceC: number;
}

export const NOT_RECORDED: RecordedEnvironment = { temperatureC: null, humidityPct: null, source: null, end: null };

/** true inside, false outside, null when no temperature was recorded (then nothing can be claimed). */
export function withinReferenceConditions(env: RecordedEnvironment, ref: ReferenceConditions): boolean | null {
  const temps = [env.temperatureC, env.end?.temperatureC ?? null].filter((t): t is number => t !== null);
  if (env.temperatureC === null) return null;
  // A tolerance edge counts as inside; 1e-9 absorbs float noise such as 23 + 2 written as 24.999999999.
  return temps.every((t) => Math.abs(t - ref.referenceTemperatureC) <= ref.toleranceC + 1e-9);
}

export function describeEnvironment(env: RecordedEnvironment): { temperature: string; humidity: string } {
  const by = env.source === 'instrument' ? ' (instrument)' : env.source === 'entered' ? ' (entered by the operator)' : '';
  const t = env.temperatureC === null ? 'not recorded' : `${env.temperatureC.toFixed(1)} C${env.end?.temperatureC != null ? ` at start, ${env.end.temperatureC.toFixed(1)} C at end` : ''}${by}`;
  const h = env.humidityPct === null ? 'not recorded' : `${env.humidityPct.toFixed(0)} %RH${by}`;
  return { temperature: t, humidity: h };
}
