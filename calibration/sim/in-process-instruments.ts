// Instruments wired straight to the simulated bench, without a serial line: for fast tests and the
// overhead benchmark. The serial SCPI simulators wrap the same models.
import type { BenchSource, ReferenceStandard, SourceSetting } from '../instruments/instrument-types.js';
import type { BenchLine } from './bench-line.js';
import { ConfigError } from '../../drivers/errors.js';
import type { ReferenceModel } from './reference-model.js';

export class InProcessSource implements BenchSource {
  constructor(private readonly line: BenchLine) {}
  async identify(): Promise<string> {
    return 'AMSGATE,SIM-SOURCE,IN-PROCESS,1';
  }
  async apply(s: SourceSetting): Promise<void> {
    this.line.set(s);
  }
  async output(on: boolean): Promise<void> {
    this.line.output(on);
  }
  async close(): Promise<void> {}
}

export class InProcessReference implements ReferenceStandard {
  constructor(private readonly model: ReferenceModel) {}
  async identify(): Promise<string> {
    return 'AMSGATE,SIM-REFERENCE,IN-PROCESS,1';
  }
  async reset(): Promise<void> {
    this.model.reset();
  }
  async readEnergyWh(): Promise<number> {
    return this.model.energyWh();
  }
  async accuracyPct(): Promise<number | null> {
    return this.model.accuracyPct;
  }
  async measureRms(): Promise<{ voltageV: number; currentA: number } | null> {
    return this.model.rms();
  }
  async readPulses(): Promise<number> {
    if (!this.model.hasPulseInput()) throw new ConfigError('no-pulse-input', 'the simulated reference has no pulse input wired to the DUT');
    return this.model.pulses();
  }
  async environment(): Promise<{ temperatureC: number | null; humidityPct: number | null } | null> {
    return this.model.ambient();
  }
  async close(): Promise<void> {}
}
