// The simulated reference standard: integrates the true power with its own small error and read noise.
import type { Clock } from '../../drivers/clock.js';
import { IntegratingMeter } from './integrating-meter.js';
import { gaussian, seededRandom } from '../../drivers/sim/seeded-random.js';

export interface ReferenceModelOptions {
  clock: Clock;
  phases: 1 | 3;
  /** Systematic error of the standard, fraction (e.g. 0.0002 = +0.02 %). */
  error?: number;
  /** Standard deviation of the read noise, fraction of the reading. */
  noise?: number;
  /** Declared accuracy class, +- percent. */
  accuracyPct?: number;
  seed?: number;
  /** Simulated ambient sensors of the standard (default 23.0 C, 45 %RH). */
  ambient?: { temperatureC: number; humidityPct: number };
}

export class ReferenceModel {
  readonly meter: IntegratingMeter;
  private zero = 0;
  private readonly rnd: () => number;
  readonly accuracyPct: number;
  constructor(private readonly o: ReferenceModelOptions) {
    this.meter = new IntegratingMeter(o.clock, o.phases, () => o.error ?? 0);
    this.rnd = seededRandom(o.seed ?? 1);
    this.accuracyPct = o.accuracyPct ?? 0.05;
  }
  private pulseInput: { wh: () => number; impPerKWh: number } | null = null;
  private zeroPulses = 0;
  /** Wires the DUT's test output to the standard's pulse input: pulses = floor(registered Wh x K / 1000). */
  attachPulseOutput(wh: () => number, impPerKWh: number): void {
    this.pulseInput = { wh, impPerKWh };
    this.zeroPulses = this.totalPulses();
  }
  private totalPulses(): number {
    return this.pulseInput ? Math.floor((this.pulseInput.wh() * this.pulseInput.impPerKWh) / 1000) : 0;
  }
  hasPulseInput(): boolean {
    return this.pulseInput !== null;
  }
  /** Pulses since the last reset. */
  pulses(): number {
    return this.totalPulses() - this.zeroPulses;
  }
  reset(): void {
    this.zero = this.meter.registeredWh();
    this.zeroPulses = this.totalPulses();
  }
  energyWh(): number {
    const e = this.meter.registeredWh() - this.zero;
    return e * (1 + (this.o.noise ?? 0) * gaussian(this.rnd));
  }
  /** Per-phase RMS values of the operating point, with the standard's error and noise. */
  rms(): { voltageV: number; currentA: number } {
    const p = this.meter.operatingPoint();
    const k = 1 + (this.o.error ?? 0);
    return { voltageV: (p?.voltageV ?? 0) * k * (1 + (this.o.noise ?? 0) * gaussian(this.rnd)), currentA: (p?.currentA ?? 0) * k * (1 + (this.o.noise ?? 0) * gaussian(this.rnd)) };
  }
  ambient(): { temperatureC: number; humidityPct: number } {
    return { ...(this.o.ambient ?? { temperatureC: 23.0, humidityPct: 45 }) };
  }
  powerW(): number {
    const p = this.meter.operatingPoint();
    return p ? IntegratingMeter.powerW(p, this.o.phases) : 0;
  }
}
