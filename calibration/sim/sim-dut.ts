// In-process simulated devices under test, used when no catalog simulator fits (and for fast tests):
// a meter with a plain energy register of chosen resolution, and a metering chip with ATM90E26-style
// calibration registers whose gain and phase errors respond to the registers.
import type { Clock } from '../../drivers/clock.js';
import { rational, type Rational } from '../../drivers/rational.js';
import type { MeterDriver, MeterIdentity, MeterSample } from '../../drivers/meter-driver.js';
import type { OperatingPoint } from '../../drivers/sim/physical-meter.js';
import { IntegratingMeter } from './integrating-meter.js';
import type { ErrorCurve } from './dut-error-curves.js';
import { ATM90E26_GAIN_UNITY, atm90e26Effect, type AtmRegisters } from '../calibrate/chip-registers.js';

const pfOf = (p: OperatingPoint): number => Math.abs(Math.cos((p.phaseDeg * Math.PI) / 180));

export class SimMeterDut implements MeterDriver {
  readonly meter: IntegratingMeter;
  constructor(
    private readonly clock: Clock,
    phases: 1 | 3,
    curve: ErrorCurve,
    readonly whPerCount: Rational = rational(1, 100),
    readonly modelId = 'sim-meter',
    /** Error curve for export (reverse flow); the import curve when absent. */
    exportCurve?: ErrorCurve,
  ) {
    this.meter = new IntegratingMeter(clock, phases, (p) =>
      (Math.cos((p.phaseDeg * Math.PI) / 180) < 0 && exportCurve ? exportCurve : curve)(p.currentA, pfOf(p)),
    );
  }
  async sample(): Promise<MeterSample> {
    const counts = (wh: number) => BigInt(Math.floor((wh * Number(this.whPerCount.den)) / Number(this.whPerCount.num)));
    const reg = (wh: number) => ({ value: counts(wh), whPerCount: this.whPerCount, counterBits: null, floatUlpWh: null });
    const p = this.meter.operatingPoint();
    return {
      at: this.clock.now(),
      energy: { import: reg(this.meter.registeredWh('import')), export: reg(this.meter.registeredWh('export')) },
      instant: p ? { voltageV: [p.voltageV], currentA: [p.currentA], frequencyHz: p.frequencyHz } : {},
      frameErrors: 0,
      retries: 0,
    };
  }
  async identify(): Promise<MeterIdentity> {
    return { vendor: 'amsgate', model: this.modelId, serial: 'SIM-0001', firmware: 'sim' };
  }
  async close(): Promise<void> {}
}

/** The registers a chip DUT exposes for calibration (the shape of drivers/uart/atm90e26/calibration.ts). */
export interface ChipCalibrationPort {
  readCalibration(): Promise<AtmRegisters>;
  /** Writes, then returns what reads back. */
  writeCalibration(regs: AtmRegisters): Promise<AtmRegisters>;
}

export interface ChipFaults {
  /** Gain error of the uncalibrated chip, fraction. */
  gainError: number;
  /** Phase error of the current channel, degrees (current measured lagging by this much more). */
  phaseErrorDeg: number;
  /** RMS reading errors, fractions. */
  voltageRmsError?: number;
  currentRmsError?: number;
}

export const ATM_DEFAULT_REGISTERS: AtmRegisters = { Lgain: ATM90E26_GAIN_UNITY, Lphi: 0, Ugain: ATM90E26_GAIN_UNITY, IgainL: ATM90E26_GAIN_UNITY };

/** A simulated ATM90E26-like chip: 1 + e = (1 + g0)(Lgain/0x8000) cos(phi - d0 - Lphi_deg)/cos(phi). */
export class SimChipDut extends SimMeterDut implements ChipCalibrationPort {
  private regs: AtmRegisters = { ...ATM_DEFAULT_REGISTERS };
  constructor(clock: Clock, phases: 1 | 3, private readonly faults: ChipFaults, whPerCount: Rational = rational(1, 32)) {
    super(clock, phases, () => 0, whPerCount, 'sim-atm90e26');
    this.meter.errorOf = (p) => this.errorAt(p);
  }
  private errorAt(p: OperatingPoint): number {
    const eff = atm90e26Effect(this.regs);
    const phi = (p.phaseDeg * Math.PI) / 180;
    const seen = phi - ((this.faults.phaseErrorDeg + eff.lphiDeg) * Math.PI) / 180;
    return (1 + this.faults.gainError) * eff.gain * (Math.cos(seen) / Math.cos(phi)) - 1;
  }
  override async sample(): Promise<MeterSample> {
    const s = await super.sample();
    const p = this.meter.operatingPoint();
    if (p) {
      const uScale = this.regs.Ugain / ATM_DEFAULT_REGISTERS.Ugain;
      const iScale = this.regs.IgainL / ATM_DEFAULT_REGISTERS.IgainL;
      s.instant.voltageV = [p.voltageV * (1 + (this.faults.voltageRmsError ?? 0)) * uScale];
      s.instant.currentA = [p.currentA * (1 + (this.faults.currentRmsError ?? 0)) * iScale];
    }
    return s;
  }
  async readCalibration(): Promise<AtmRegisters> {
    return { ...this.regs };
  }
  async writeCalibration(regs: AtmRegisters): Promise<AtmRegisters> {
    this.meter.settle();
    this.regs = { ...regs };
    return this.readCalibration();
  }
}
