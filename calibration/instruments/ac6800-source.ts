// Driver for a Keysight AC6800B-series AC source (dialect in ac6800-dialect.ts): it sets the voltage and the
// frequency; the current through the DUT comes from the phantom load (split-source.ts).
import { InstrumentError } from './instrument-error.js';
import { ac6800ApplyMessages, parseSystemError } from './ac6800-dialect.js';
import { ScpiLine, type ScpiLineOptions } from './scpi-line.js';

export class Ac6800Source {
  private constructor(private readonly line: ScpiLine) {}

  static async open(o: ScpiLineOptions): Promise<Ac6800Source> {
    return new Ac6800Source(await ScpiLine.open(o));
  }

  /** Sends one setting with ";:SYSTem:ERRor?" appended; anything but error 0 is a refusal (exit 3). */
  private async set(cmd: string): Promise<void> {
    const reply = (await this.line.request(`${cmd};:SYSTem:ERRor?`)).trim();
    const e = parseSystemError(reply);
    if (!e) throw new InstrumentError('instrument-reply', `AC source: expected <code>,"<text>" from SYSTem:ERRor? after "${cmd}", got "${reply}"`);
    if (e.code !== 0) throw new InstrumentError('instrument-refused', `AC source refused "${cmd}": ${e.code},"${e.text}"`);
  }

  identify(): Promise<string> {
    return this.line.request('*IDN?');
  }

  async applyVoltage(voltageV: number, frequencyHz: number): Promise<void> {
    let messages: string[];
    try {
      messages = ac6800ApplyMessages(voltageV, frequencyHz);
    } catch (e) {
      throw new InstrumentError('instrument-range', `AC source: ${(e as Error).message}`);
    }
    for (const m of messages) await this.set(m);
  }

  output(on: boolean): Promise<void> {
    return this.set(`OUTPut ${on ? 'ON' : 'OFF'}`);
  }

  close(): Promise<void> {
    return this.line.close();
  }
}
