// Driver for a programmable source speaking the bench line protocol over a serial port.
import type { BenchSource, SourceSetting } from './instrument-types.js';
import { fmt } from './scpi-commands.js';
import { ScpiLine, type ScpiLineOptions } from './scpi-line.js';

export class ScpiSource implements BenchSource {
  private constructor(private readonly line: ScpiLine) {}
  static async open(o: ScpiLineOptions): Promise<ScpiSource> {
    return new ScpiSource(await ScpiLine.open(o));
  }
  identify(): Promise<string> {
    return this.line.request('*IDN?');
  }
  async apply(s: SourceSetting): Promise<void> {
    await this.line.expectOk(`SOUR:FREQ ${fmt(s.frequencyHz ?? 0)}`);
    await this.line.expectOk(`SOUR:VOLT ${fmt(s.voltageV)}`);
    await this.line.expectOk(`SOUR:CURR ${fmt(s.currentA)}`);
    await this.line.expectOk(`SOUR:PHAS ${fmt(s.phaseDeg)}`);
  }
  output(on: boolean): Promise<void> {
    return this.line.expectOk(`OUTP ${on ? 'ON' : 'OFF'}`);
  }
  close(): Promise<void> {
    return this.line.close();
  }
}
