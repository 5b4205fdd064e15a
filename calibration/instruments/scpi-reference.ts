// Driver for a reference standard (energy comparator) speaking the bench line protocol.
import type { ReferenceStandard } from './instrument-types.js';
import { ScpiLine, type ScpiLineOptions } from './scpi-line.js';
import { InstrumentError } from './instrument-error.js';

export class ScpiReference implements ReferenceStandard {
  private constructor(private readonly line: ScpiLine) {}
  static async open(o: ScpiLineOptions): Promise<ScpiReference> {
    return new ScpiReference(await ScpiLine.open(o));
  }
  identify(): Promise<string> {
    return this.line.request('*IDN?');
  }
  reset(): Promise<void> {
    return this.line.expectOk('ENER:RES');
  }
  readEnergyWh(): Promise<number> {
    return this.line.number('MEAS:ENER?');
  }
  async accuracyPct(): Promise<number | null> {
    try {
      return await this.line.number('SYST:ACC?');
    } catch {
      return null;
    }
  }
  async measureRms(): Promise<{ voltageV: number; currentA: number } | null> {
    try {
      return { voltageV: await this.line.number('MEAS:VOLT?'), currentA: await this.line.number('MEAS:CURR?') };
    } catch {
      return null;
    }
  }
  /** MEAS:PULS?: pulses on the pulse input since ENER:RES. */
  async readPulses(): Promise<number> {
    const n = await this.line.number('MEAS:PULS?');
    if (!Number.isInteger(n) || n < 0) throw new InstrumentError('instrument-reply', `reference: MEAS:PULS? answered ${n}; expected a whole count of pulses`);
    return n;
  }
  /** MEAS:TEMP? and MEAS:HUM?; an instrument without the sensor refuses, which means "not recorded". */
  async environment(): Promise<{ temperatureC: number | null; humidityPct: number | null } | null> {
    const read = (cmd: string) => this.line.number(cmd).catch(() => null);
    const temperatureC = await read('MEAS:TEMP?');
    const humidityPct = await read('MEAS:HUM?');
    return temperatureC === null && humidityPct === null ? null : { temperatureC, humidityPct };
  }
  close(): Promise<void> {
    return this.line.close();
  }
}
