// A meter for runtime tests: energy is power x time on the injected clock, held in a counter of chosen width.
import type { Clock } from '../../../drivers/clock.js';
import type { MeterDriver, MeterSample } from '../../../drivers/meter-driver.js';
import { rational } from '../../../drivers/rational.js';
import type { OpenedMeter } from '../../../device/runtime/open-meter.js';

export class FakeMeter {
  /** Watts; positive = import. */
  powerW = 1000;
  failing = false;
  /** Frame errors the driver reports with each sample. */
  frameErrors = 0;
  /** Report one counter of energy in both directions (like a BL0942) instead of import and export registers. */
  absolute = false;
  /** Clock that stamps samples (the gateway's wall clock); energy always follows the true time of `clock`. */
  stampClock: Clock | null = null;
  /** Subtracted from the stamp of the next sample only (a read stamped before a stall, energy read after it). */
  stampLagMs = 0;
  private importWh = 0;
  private exportWh = 0;
  private lastAt: number;
  constructor(
    private readonly clock: Clock,
    readonly counterBits: number | null = null,
    startWh = 0,
  ) {
    this.lastAt = clock.now();
    this.importWh = startWh;
  }
  private advance(): void {
    const now = this.clock.now();
    const wh = (this.powerW * (now - this.lastAt)) / 3_600_000;
    if (wh >= 0) this.importWh += wh;
    else this.exportWh -= wh;
    this.lastAt = now;
  }
  /** Energy registered so far (true total, before any counter wrap). */
  totals(): { importWh: number; exportWh: number } {
    this.advance();
    return { importWh: this.importWh, exportWh: this.exportWh };
  }
  private reg(wh: number) {
    const count = BigInt(Math.floor(wh + 1e-9));
    const value = this.counterBits === null ? count : count % (1n << BigInt(this.counterBits));
    return { value, whPerCount: rational(1n), counterBits: this.counterBits, floatUlpWh: null };
  }
  sample(): MeterSample {
    this.advance();
    const lag = this.stampLagMs;
    this.stampLagMs = 0;
    return {
      at: (this.stampClock ?? this.clock).now() - lag,
      ...(this.absolute
        ? { energy: {}, absoluteEnergy: this.reg(this.importWh + this.exportWh) }
        : { energy: { import: this.reg(this.importWh), export: this.reg(this.exportWh) } }),
      instant: { powerW: this.powerW, voltageV: [230], currentA: [Math.abs(this.powerW) / 230], powerFactor: 1, frequencyHz: 50 },
      frameErrors: this.frameErrors,
      retries: 0,
    };
  }
  opener() {
    return async (): Promise<OpenedMeter> => {
      const driver: MeterDriver = {
        modelId: 'fake',
        sample: async () => {
          if (this.failing) throw new Error('fake meter does not answer');
          return this.sample();
        },
        identify: async () => ({ vendor: 'test', model: 'fake' }),
        close: async () => {},
      };
      return { driver, close: async () => {} };
    };
  }
}
