// A meter that integrates the power of the operating point imposed on it over an injected clock, with an
// error that may depend on the whole operating point (current, power factor, lead/lag, V, f).
// The simulated DUTs and the simulated reference standard are both one of these.
import type { Clock } from '../../drivers/clock.js';
import type { OperatingPoint } from '../../drivers/sim/physical-meter.js';

/** Anything a bench source can drive: a PhysicalMeter from the catalog simulators or an IntegratingMeter. */
export interface Forceable {
  force(point: OperatingPoint | null): void;
}

export type PointError = (p: OperatingPoint) => number;

export class IntegratingMeter implements Forceable {
  private point: OperatingPoint | null = null;
  private lastAt: number;
  private registered = { import: 0, export: 0 };
  private trueWh = { import: 0, export: 0 };
  constructor(
    private readonly clock: Clock,
    private readonly phases: 1 | 3,
    /** Error as a fraction of true energy at an operating point (0.01 = +1 %). */
    public errorOf: PointError = () => 0,
  ) {
    this.lastAt = clock.now();
  }

  static powerW(p: OperatingPoint, phases: number): number {
    return phases * p.voltageV * p.currentA * Math.cos((p.phaseDeg * Math.PI) / 180);
  }

  private advance(): void {
    const now = this.clock.now();
    const dtH = (now - this.lastAt) / 3_600_000;
    this.lastAt = now;
    if (dtH <= 0 || !this.point) return;
    const w = IntegratingMeter.powerW(this.point, this.phases);
    if (w === 0) return;
    const dir = w > 0 ? 'import' : 'export';
    const e = Math.abs(w) * dtH;
    this.trueWh[dir] += e;
    this.registered[dir] += e * (1 + this.errorOf(this.point));
  }

  force(point: OperatingPoint | null): void {
    this.advance();
    this.point = point;
  }

  /** Call before changing errorOf so that energy so far keeps the old error. */
  settle(): void {
    this.advance();
  }

  /** Registered energy in one direction, or both added (what a reference standard integrates). */
  registeredWh(direction?: 'import' | 'export'): number {
    this.advance();
    return direction ? this.registered[direction] : this.registered.import + this.registered.export;
  }

  trueEnergyWh(direction?: 'import' | 'export'): number {
    this.advance();
    return direction ? this.trueWh[direction] : this.trueWh.import + this.trueWh.export;
  }

  operatingPoint(): OperatingPoint | null {
    return this.point;
  }
}
