// A reference standard read by the operator: the bench asks, the operator types the reading.
import { ConfigError } from '../../drivers/errors.js';
import type { ReferenceStandard } from './instrument-types.js';

/** Asks a question and resolves with the operator's answer (readline in the CLI, a script in tests). */
export type Ask = (prompt: string) => Promise<string>;

export class ManualReference implements ReferenceStandard {
  constructor(
    private readonly ask: Ask,
    private readonly name = 'manual reference (operator-entered)',
    private readonly declaredAccuracyPct: number | null = null,
    private readonly maxTries = 5,
  ) {}
  async identify(): Promise<string> {
    return this.name;
  }
  async reset(): Promise<void> {
    await this.ask('Zero the reference standard energy register, then press Enter: ');
  }
  async readEnergyWh(): Promise<number> {
    for (let i = 0; i < this.maxTries; i++) {
      const a = (await this.ask('Type the reference energy reading in Wh (e.g. 123.456): ')).trim().replace(',', '.');
      const x = Number(a);
      if (a !== '' && Number.isFinite(x) && x > 0) return x;
    }
    throw new ConfigError('manual-reading', `no valid reference reading after ${this.maxTries} tries: type a positive number of Wh`);
  }
  async accuracyPct(): Promise<number | null> {
    return this.declaredAccuracyPct;
  }
  async close(): Promise<void> {}
}
