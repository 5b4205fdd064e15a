// What the bench needs from its instruments, whatever their transport (serial SCPI, in-process, manual).

/** A source output setting; values are per phase. */
export interface SourceSetting {
  voltageV: number;
  currentA: number;
  /** Angle by which current lags voltage, degrees (negative = leading). */
  phaseDeg: number;
  /** Hz; null for d.c. */
  frequencyHz: number | null;
}

export interface BenchSource {
  identify(): Promise<string>;
  apply(s: SourceSetting): Promise<void>;
  output(on: boolean): Promise<void>;
  close(): Promise<void>;
}

export interface ReferenceStandard {
  identify(): Promise<string>;
  /** Zeroes the energy accumulator. */
  reset(): Promise<void>;
  /** Energy since the last reset, Wh (total of all phases). */
  readEnergyWh(): Promise<number>;
  /** The accuracy class the instrument declares, +- percent, if it declares one. */
  accuracyPct(): Promise<number | null>;
  /** Per-phase RMS voltage and current, where the instrument measures them (for chip RMS gains). */
  measureRms?(): Promise<{ voltageV: number; currentA: number } | null>;
  /** Pulses counted on the standard's pulse input since the last reset (the DUT's test output), if it has one. */
  readPulses?(): Promise<number>;
  /** Ambient temperature and humidity, where the instrument has sensors for them (null values otherwise). */
  environment?(): Promise<{ temperatureC: number | null; humidityPct: number | null } | null>;
  close(): Promise<void>;
}
