// Driver for a phantom load in the project's SCPI dialect: a current source locked to the line voltage that
// sets the current and its angle to the voltage (SOUR:CURR, SOUR:PHAS, OUTP); it sets no voltage.
import { fmt } from './scpi-commands.js';
import { ScpiLine, type ScpiLineOptions } from './scpi-line.js';

export class PhantomLoad {
  private constructor(private readonly line: ScpiLine) {}
  static async open(o: ScpiLineOptions): Promise<PhantomLoad> {
    return new PhantomLoad(await ScpiLine.open(o));
  }
  identify(): Promise<string> {
    return this.line.request('*IDN?');
  }
  async applyCurrent(currentA: number, phaseDeg: number): Promise<void> {
    await this.line.expectOk(`SOUR:CURR ${fmt(currentA)}`);
    await this.line.expectOk(`SOUR:PHAS ${fmt(phaseDeg)}`);
  }
  output(on: boolean): Promise<void> {
    return this.line.expectOk(`OUTP ${on ? 'ON' : 'OFF'}`);
  }
  close(): Promise<void> {
    return this.line.close();
  }
}
