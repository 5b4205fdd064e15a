// A bench source made of two instruments: an AC source for the voltage and the frequency, and a phantom load for
// the current and its angle. On: voltage first, then current; off: current first, then voltage, and the voltage
// is switched off even when the current refused, so the first failure is reported with both switch attempts made.
import type { BenchSource, SourceSetting } from './instrument-types.js';
import type { Ac6800Source } from './ac6800-source.js';
import type { PhantomLoad } from './phantom-load.js';
import { ConfigError } from '../../drivers/errors.js';

export class SplitSource implements BenchSource {
  constructor(private readonly voltage: Ac6800Source, private readonly current: PhantomLoad) {}

  async identify(): Promise<string> {
    return `${(await this.voltage.identify()).trim()} + load ${(await this.current.identify()).trim()}`;
  }

  async apply(s: SourceSetting): Promise<void> {
    if (s.frequencyHz === null) throw new ConfigError('ac-source-dc', 'the AC source dialect (keysight-ac6800b) drives a.c. points only; use the amsgate-scpi source for a d.c. plan');
    await this.voltage.applyVoltage(s.voltageV, s.frequencyHz);
    await this.current.applyCurrent(s.currentA, s.phaseDeg);
  }

  async output(on: boolean): Promise<void> {
    if (on) {
      await this.voltage.output(true);
      await this.current.output(true);
      return;
    }
    let first: unknown = null;
    await this.current.output(false).catch((e) => (first = e));
    await this.voltage.output(false).catch((e) => (first ??= e));
    if (first) throw first;
  }

  async close(): Promise<void> {
    await this.current.close().catch(() => {});
    await this.voltage.close();
  }
}
