// The register behaviour of a simulated ATM90E26: read-and-clear energy registers in 0.1 pulse units,
// LastData, calibration blocks locked unless CalStart/AdjStart = 0x5678, CS1/CS2 checked on 0x8765, and
// analog gain/phase errors that the calibration registers correct (the gain/phase convention is in
// registers.ts). Floats are fine here: this is the physics side, not the driver.
import type { PhysicalState } from '../../sim/physical-meter.js';
import {
  ATM90E26_GAIN_UNITY,
  ATM90E26_REG as R,
  ATM90E26_START_METERING,
  ATM90E26_UNLOCK,
  CS1_BLOCK,
  CS2_BLOCK,
  SYSSTATUS_ADJ_ERR,
  SYSSTATUS_CAL_ERR,
  atm90e26BlockChecksum,
  encodeAtm90e26PowerFactor,
  gainMultiplier,
  lphiDegrees,
} from './registers.js';

/** Errors of the analog front end before calibration: fractions, and degrees of extra current lag. */
export interface Atm90e26ChipErrors {
  voltageGain: number;
  currentGain: number;
  powerGain: number;
  phaseDeg: number;
}

export const NO_CHIP_ERRORS: Atm90e26ChipErrors = { voltageGain: 0, currentGain: 0, powerGain: 0, phaseDeg: 0 };
/** A plausible uncalibrated board, for bench exercises. */
export const UNCALIBRATED_CHIP_ERRORS: Atm90e26ChipErrors = { voltageGain: 0.015, currentGain: -0.01, powerGain: 0.02, phaseDeg: 0.6 };

const ENERGY_REGS = new Set<number>([R.APenergy, R.ANenergy, R.ATenergy]);
const rad = (d: number) => (d * Math.PI) / 180;

export class Atm90e26ChipModel {
  private regs = new Map<number, number>();
  /** Accumulated energy in 0.1 pulse units, not yet read. */
  private acc = { ap: 0, an: 0 };
  private last: { importWh: number; exportWh: number } | null = null;
  private snapshot: PhysicalState | null = null;

  constructor(
    private readonly meterConstant: number,
    readonly errors: Atm90e26ChipErrors = NO_CHIP_ERRORS,
  ) {
    this.powerOn();
  }

  /** Register values after the firmware's start-up sequence with unity calibration. */
  powerOn(): void {
    this.regs.clear();
    for (const r of [R.Lgain, R.Ugain, R.IgainL, R.IgainN, R.Ngain]) this.regs.set(r, ATM90E26_GAIN_UNITY);
    this.regs.set(R.CS1, atm90e26BlockChecksum(CS1_BLOCK.map((r) => this.get(r))));
    this.regs.set(R.CS2, atm90e26BlockChecksum(CS2_BLOCK.map((r) => this.get(r))));
    this.regs.set(R.CalStart, ATM90E26_START_METERING);
    this.regs.set(R.AdjStart, ATM90E26_START_METERING);
    this.acc = { ap: 0, an: 0 };
    this.last = null;
  }

  private get(r: number): number {
    return this.regs.get(r) ?? 0;
  }

  /** Angle (degrees) of current behind voltage, from a physical state's signed PF and power direction. */
  private angle(s: PhysicalState): number {
    const base = (Math.acos(Math.min(1, Math.abs(s.powerFactor))) * 180) / Math.PI;
    const lag = s.powerFactor < 0 ? -base : base;
    return lag + this.errors.phaseDeg - lphiDegrees(this.get(R.Lphi));
  }

  /** Ratio of what the chip registers to true active energy at this operating point. */
  private energyRatio(s: PhysicalState): number {
    const trueAngle = (Math.acos(Math.min(1, Math.abs(s.powerFactor))) * 180) / Math.PI;
    const cosTrue = Math.cos(rad(trueAngle));
    const phase = cosTrue > 1e-6 ? Math.abs(Math.cos(rad(this.angle(s)))) / cosTrue : 1;
    return (1 + this.errors.powerGain) * gainMultiplier(this.get(R.Lgain)) * phase;
  }

  /** Integrates the physical meter's energy since the last call into the chip's energy registers. */
  advance(s: PhysicalState, frozen = false): void {
    if (frozen && this.snapshot) return;
    this.snapshot = s;
    if (this.last && s.importWh >= this.last.importWh && s.exportWh >= this.last.exportWh) {
      // The register counts tenths of CF pulses at MC pulses per kWh (ESPHome atm90e26.cpp: Wh = counts x 100 / MC),
      // from the physical energy; MC is the pulse rate this chip is configured for (PLconst), not a driver constant.
      const k = this.energyRatio(s) * (this.meterConstant / 1000) * 10;
      this.acc.ap += (s.importWh - this.last.importWh) * k;
      this.acc.an += (s.exportWh - this.last.exportWh) * k;
    }
    this.last = { importWh: s.importWh, exportWh: s.exportWh };
  }

  /** Emulates a replaced or power-cycled chip: energy registers restart at zero. */
  clearEnergy(): void {
    this.acc = { ap: 0, an: 0 };
    this.last = null;
  }

  private instant(addr: number): number {
    const s = this.snapshot;
    if (!s) return 0;
    const e = this.errors;
    const u16 = (x: number) => Math.max(0, Math.min(0xffff, Math.round(x)));
    switch (addr) {
      case R.Urms:
        return u16(s.voltageV[0]! * (1 + e.voltageGain) * gainMultiplier(this.get(R.Ugain)) * 100);
      case R.Irms:
        return u16(s.currentA[0]! * (1 + e.currentGain) * gainMultiplier(this.get(R.IgainL)) * 1000);
      case R.Pmean: {
        const p = s.powerW * this.energyRatio(s);
        return Math.max(-0x8000, Math.min(0x7fff, Math.round(p))) & 0xffff;
      }
      case R.Freq:
        return u16(s.frequencyHz * 100);
      case R.PowerF: {
        const pf = Math.cos(rad(this.angle(s)));
        return encodeAtm90e26PowerFactor(s.powerFactor < 0 ? -Math.abs(pf) : Math.abs(pf));
      }
      default:
        return 0;
    }
  }

  read(addr: number): number {
    let v: number;
    if (ENERGY_REGS.has(addr)) {
      const key = addr === R.APenergy ? 'ap' : addr === R.ANenergy ? 'an' : null;
      // The epsilon absorbs double rounding in the physics (999.9999999 Wh must count as 1000).
      const floorE = (x: number) => Math.floor(x + 1e-7);
      const whole = Math.min(0xffff, key ? floorE(this.acc[key]) : floorE(this.acc.ap + this.acc.an));
      // Read-and-clear: the counted part leaves the register.
      if (key) this.acc[key] -= whole;
      v = whole;
    } else if (addr === R.LastData) {
      return this.get(R.LastData);
    } else if (addr >= 0x48 && addr <= 0x4f) {
      v = this.instant(addr);
    } else {
      v = this.get(addr);
    }
    this.regs.set(R.LastData, v);
    return v;
  }

  write(addr: number, value: number): void {
    this.regs.set(R.LastData, value);
    if (addr === R.SoftReset) {
      if (value === 0x789a) this.powerOn();
      return;
    }
    const inCal = addr >= 0x21 && addr <= 0x2c;
    const inAdj = addr >= 0x31 && addr <= 0x3b;
    // Calibration registers only change while their block is open, as on the chip.
    if (inCal && this.get(R.CalStart) !== ATM90E26_UNLOCK) return;
    if (inAdj && this.get(R.AdjStart) !== ATM90E26_UNLOCK) return;
    this.regs.set(addr, value);
    if (addr === R.CalStart && value === ATM90E26_START_METERING) {
      const ok = atm90e26BlockChecksum(CS1_BLOCK.map((r) => this.get(r))) === this.get(R.CS1);
      this.setStatus(SYSSTATUS_CAL_ERR, !ok);
    }
    if (addr === R.AdjStart && value === ATM90E26_START_METERING) {
      const ok = atm90e26BlockChecksum(CS2_BLOCK.map((r) => this.get(r))) === this.get(R.CS2);
      this.setStatus(SYSSTATUS_ADJ_ERR, !ok);
    }
  }

  private setStatus(bits: number, on: boolean): void {
    const s = this.get(R.SysStatus);
    this.regs.set(R.SysStatus, on ? s | bits : s & ~bits & 0xffff);
  }
}
