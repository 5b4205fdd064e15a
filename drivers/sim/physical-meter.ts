// The physics behind every simulator: energy is the integral of power over (injected) time, and
// V, I, P, PF and f are mutually consistent. Registers are derived from this state by each device's own documented
// register format (never by the driver's constant). The operating point is held for steps of at most STEP_MS:
// energy does not depend on how often anybody reads, and the power a reader sees is the power being integrated.
import type { SimulatorOptions } from '../catalog.js';
import type { Clock } from '../clock.js';
import { profileByName, type LoadProfile } from './load-profile.js';

export interface OperatingPoint {
  voltageV: number;
  currentA: number;
  /** Angle by which current lags voltage, degrees (negative = leading). */
  phaseDeg: number;
  frequencyHz: number;
}

export interface PhysicalMeterOptions {
  clock: Clock;
  profile: LoadProfile;
  phases: 1 | 3;
  nominalVoltageV?: number;
  frequencyHz?: number;
  /** Meter error as a fraction of true energy at a current and PF (e.g. 0.004 = +0.4 %). Bench DUTs use this. */
  errorFraction?: (currentA: number, pf: number) => number;
  /** Deterministic noise source; returns in [0,1). */
  random?: () => number;
}

export interface PhysicalState {
  at: number;
  voltageV: number[];
  currentA: number[];
  phasePowerW: number[];
  powerW: number;
  powerFactor: number;
  phaseAngleDeg: number[];
  frequencyHz: number;
  /** Registered (meter-measured, i.e. with the meter's error) cumulative energy, Wh, as exact as a double allows. */
  importWh: number;
  exportWh: number;
  /** True energy, without the meter's error. */
  trueImportWh: number;
  trueExportWh: number;
}

/** Longest stretch of simulated time integrated at one operating point (a load profile's ramp is followed). */
const STEP_MS = 1000;

export class PhysicalMeter {
  private lastAt: number;
  /** The operating point in effect since lastAt. */
  private current: OperatingPoint;
  // Registers = where they were set (Wh) + energy since, summed in watt-milliseconds: W x ms steps add up
  // without the rounding that many small Wh fractions added to a large register would collect.
  private importBaseWh = 0;
  private exportBaseWh = 0;
  private importWms = 0;
  private exportWms = 0;
  private trueImportWms = 0;
  private trueExportWms = 0;
  private forced: OperatingPoint | null = null;
  private readonly nominal: number;
  private readonly freq: number;
  private readonly rnd: () => number;

  constructor(private readonly o: PhysicalMeterOptions) {
    this.lastAt = o.clock.now();
    this.nominal = o.nominalVoltageV ?? 230;
    this.freq = o.frequencyHz ?? 50;
    this.rnd = o.random ?? Math.random;
    this.current = this.pointAt(this.lastAt);
  }

  /** Lets a bench source impose the operating point (per phase values); null returns to the profile. */
  force(point: OperatingPoint | null): void {
    this.advance();
    this.forced = point;
    this.current = this.pointAt(this.lastAt);
  }

  /** Sets the cumulative registers, e.g. to start near a wrap or to emulate a replaced meter (0). */
  setRegisters(importWh: number, exportWh: number): void {
    this.advance();
    this.importBaseWh = importWh;
    this.exportBaseWh = exportWh;
    this.importWms = 0;
    this.exportWms = 0;
  }

  private pointAt(t: number): OperatingPoint {
    if (this.forced) return this.forced;
    const lp = this.o.profile(t);
    const v = this.nominal * (1 + (this.rnd() - 0.5) * 0.004);
    const perPhaseW = lp.powerW / this.o.phases;
    const angle = (Math.acos(Math.min(1, Math.max(0, lp.pf))) * 180) / Math.PI;
    const currentA = Math.abs(perPhaseW) / (v * lp.pf || 1);
    // Export is modelled as current 180 degrees from import.
    const phaseDeg = (lp.powerW < 0 ? 180 : 0) + (lp.leading ? -angle : angle);
    return { voltageV: v, currentA, phaseDeg, frequencyHz: this.freq + (this.rnd() - 0.5) * 0.02 };
  }

  private powerOf(p: OperatingPoint): number {
    return this.o.phases * p.voltageV * p.currentA * Math.cos((p.phaseDeg * Math.PI) / 180);
  }

  /** Integrates energy up to now: power x time, one operating point per step of at most STEP_MS. */
  private advance(): void {
    const now = this.o.clock.now();
    // A forced or constant point need not be re-drawn; a very long gap is cut into at most 10 000 steps.
    const step = Math.max(STEP_MS, (now - this.lastAt) / 10_000);
    while (now > this.lastAt) {
      const until = Math.min(now, this.lastAt + step);
      this.integrate(this.current, until - this.lastAt);
      this.lastAt = until;
      this.current = this.pointAt(until);
    }
  }

  private integrate(p: OperatingPoint, dtMs: number): void {
    const w = this.powerOf(p);
    const pf = Math.abs(Math.cos((p.phaseDeg * Math.PI) / 180));
    const err = this.o.errorFraction?.(p.currentA, pf) ?? 0;
    const e = Math.abs(w) * dtMs;
    if (w >= 0) {
      this.trueImportWms += e;
      this.importWms += err ? e * (1 + err) : e;
    } else {
      this.trueExportWms += e;
      this.exportWms += err ? e * (1 + err) : e;
    }
  }

  state(): PhysicalState {
    this.advance();
    const p = this.current;
    const n = this.o.phases;
    const phaseW = this.powerOf(p) / n;
    const pfSigned = Math.cos((p.phaseDeg * Math.PI) / 180);
    return {
      at: this.o.clock.now(),
      voltageV: Array(n).fill(p.voltageV),
      currentA: Array(n).fill(p.currentA),
      phasePowerW: Array(n).fill(phaseW),
      powerW: phaseW * n,
      powerFactor: p.phaseDeg < 0 || (p.phaseDeg > 180) ? -Math.abs(pfSigned) : Math.abs(pfSigned),
      phaseAngleDeg: n === 3 ? [0, -120, 120] : [0],
      frequencyHz: p.frequencyHz,
      importWh: this.importBaseWh + this.importWms / 3_600_000,
      exportWh: this.exportBaseWh + this.exportWms / 3_600_000,
      trueImportWh: this.trueImportWms / 3_600_000,
      trueExportWh: this.trueExportWms / 3_600_000,
    };
  }
}

/** The physical meter a simulator started with `SimulatorOptions` plays (every catalog simulator builds it this way). */
export function physicalMeterFor(o: Omit<SimulatorOptions, 'board'>, phases: 1 | 3): PhysicalMeter {
  const pm = new PhysicalMeter({
    clock: o.clock,
    profile: profileByName(o.profile, o.ratingW),
    phases,
    errorFraction: o.errorFraction,
    random: o.random,
  });
  if (o.initialImportWh || o.initialExportWh) pm.setRegisters(o.initialImportWh ?? 0, o.initialExportWh ?? 0);
  return pm;
}
