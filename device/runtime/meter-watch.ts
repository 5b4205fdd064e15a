// Per-meter health alarms from the samples: frame/CRC error rate over a window of polls, and reverse energy on a
// meter registered for import only. Its memory is part of what a rolled-back sample restores (snapshot).
import type { EnergyRegister } from '../../drivers/meter-driver.js';
import type { AlarmManager } from '../alarms/alarm-manager.js';
import type { MeterConfig } from '../config/gateway-config.js';

const FRAME_WINDOW = 50;

export class MeterWatch {
  private window: number[] = [];
  private lastExportRaw: bigint | null = null;

  constructor(
    private readonly m: MeterConfig,
    private readonly alarms: AlarmManager,
  ) {}

  /** Returns a function that puts this memory back. */
  snapshot(): () => void {
    const w = [...this.window];
    const e = this.lastExportRaw;
    return () => {
      this.window = w;
      this.lastExportRaw = e;
    };
  }

  frameErrors(errors: number, atMs: number, nowMs: number): void {
    this.window.push(errors);
    if (this.window.length > FRAME_WINDOW) this.window.shift();
    if (this.window.length < 10) return;
    const rate = this.window.reduce((a, b) => a + b, 0) / this.window.length;
    if (rate > 0.1) this.alarms.raise('frame-error-rate', this.m.id, `${rate.toFixed(2)} frame/CRC errors per poll over the last ${this.window.length} polls (limit 0.10): check wiring, termination and baud rate`, atMs, nowMs);
    else if (rate < 0.02) this.alarms.clear('frame-error-rate', this.m.id, `${rate.toFixed(2)} frame errors per poll`, atMs, nowMs);
  }

  /** Export counted on a meter registered for import only: wiring or CT reversed. */
  reverseEnergy(exp: EnergyRegister | undefined, atMs: number, nowMs: number): void {
    if (this.m.amsid.export !== undefined) return;
    if (!exp) return;
    const prev = this.lastExportRaw;
    this.lastExportRaw = exp.value;
    if (prev === null) return;
    if (exp.value > prev) {
      this.alarms.raise('reverse-energy', this.m.id, `export register advanced ${exp.value - prev} counts on an import-only meter: check CT direction and wiring`, atMs, nowMs);
    } else {
      this.alarms.clear('reverse-energy', this.m.id, 'no reverse energy in the last poll', atMs, nowMs);
    }
  }
}
