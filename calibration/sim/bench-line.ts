// The wiring of a simulated bench: what the source outputs reaches every load in series/parallel
// (the DUT and the reference standard), as on a real bench. The voltage and the current can be switched apart,
// for a bench whose AC source sets the voltage and a phantom load (a separate current source) the current.
import type { SourceSetting } from '../instruments/instrument-types.js';
import type { Forceable } from './integrating-meter.js';
import type { LatchedClock } from './latched-clock.js';

export type LineChannel = 'both' | 'voltage' | 'current';

export class BenchLine {
  private setting: SourceSetting = { voltageV: 0, currentA: 0, phaseDeg: 0, frequencyHz: 50 };
  private voltageOn = false;
  private currentOn = false;
  constructor(
    private readonly loads: Forceable[],
    /** The source's own setting error (fraction): what it outputs differs from what it was told. */
    private readonly sourceError = 0,
    /** When given, every load is switched at one instant of this clock. */
    private readonly latch: LatchedClock | null = null,
  ) {}

  attach(load: Forceable): void {
    this.loads.push(load);
    this.push();
  }

  set(s: SourceSetting): void {
    this.setting = { ...s };
    this.push();
  }

  /** Switches the voltage, the current or both (a combined source). */
  output(on: boolean, channel: LineChannel = 'both'): void {
    if (channel !== 'current') this.voltageOn = on;
    if (channel !== 'voltage') this.currentOn = on;
    this.push();
  }

  /** on: both voltage and current are switched on (energy flows). */
  state(): { setting: SourceSetting; on: boolean; voltageOn: boolean; currentOn: boolean } {
    return { setting: { ...this.setting }, on: this.voltageOn && this.currentOn, voltageOn: this.voltageOn, currentOn: this.currentOn };
  }

  private push(): void {
    const s = this.setting;
    const point = {
      voltageV: this.voltageOn ? s.voltageV * (1 + this.sourceError) : 0,
      currentA: this.currentOn ? s.currentA * (1 + this.sourceError) : 0,
      phaseDeg: s.phaseDeg,
      frequencyHz: s.frequencyHz ?? 0,
    };
    const all = () => {
      for (const l of this.loads) l.force(point);
    };
    if (this.latch) this.latch.hold(all);
    else all();
  }
}
