// A Yokogawa WT300E-series power analyser (WT310E/WT330E) as the reference standard, in its own command dialect,
// integrating active energy. From the public manuals (IM WT310E-17EN communication, IM WT310E-01EN user):
//   [V] program message units separated by ";", one response message per program message; headers off with
//       :COMMunicate:HEADer OFF; :NUMeric[:NORMal]:ITEM<x> maps a measurement to an output item, read with
//       :NUMeric[:NORMal]:VALue?; integration: manual mode (standard mode, timer 0) runs from START to STOP.
//   [V-code] :INTEGrate:STARt / :STOP / :RESet, the function name WH (watt hours; "WP" is only the panel
//       symbol, as in the WT1600 communication manual's integrated values WH/WHP/WHM) with element 1 or SIGMA for
//       the sum of a WT330's elements: as public WT310/WT330 client code sends them (e.g. ":NUMERIC:NORMAL:ITEM1
//       WH,1", "ITEM24 WH,SIGMA", ":INTEG:START"), not read in the WT300E manual itself.
//   [V] :STATus:ERRor? reads the error queue, positive error numbers (113 "Undefined header"): WT300-series
//       communication manual, error queue section. [U] the empty-queue text 0,"No error" (only the 0 is relied on).
// Settings get ";:STATus:ERRor?" appended so every line has one reply and a refusal is seen (exit 3).
import type { ReferenceStandard } from './instrument-types.js';
import { InstrumentError } from './instrument-error.js';
import { ScpiLine, type ScpiLineOptions } from './scpi-line.js';

export class WtReference implements ReferenceStandard {
  private constructor(private readonly line: ScpiLine, private readonly element: string) {}

  static async open(o: ScpiLineOptions & { phases: 1 | 3 }): Promise<WtReference> {
    const r = new WtReference(await ScpiLine.open(o), o.phases === 3 ? 'SIGMA' : '1');
    await r.set(':COMMunicate:HEADer OFF');
    await r.set(`:NUMeric:NORMal:ITEM1 WH,${r.element}`);
    await r.set(':INTEGrate:MODE NORMal;:INTEGrate:TIMer 0,0,0');
    return r;
  }

  private async set(cmd: string): Promise<void> {
    const reply = await this.line.request(`${cmd};:STATus:ERRor?`);
    if (!/^0\s*,/.test(reply.trim())) throw new InstrumentError('instrument-refused', `reference (WT) refused "${cmd}": ${reply.trim()}`);
  }

  identify(): Promise<string> {
    return this.line.request('*IDN?');
  }
  async reset(): Promise<void> {
    await this.set(':INTEGrate:STOP;:INTEGrate:RESet;:INTEGrate:STARt');
  }
  async readEnergyWh(): Promise<number> {
    await this.set(':INTEGrate:STOP');
    const reply = (await this.line.request(':NUMeric:NORMal:VALue? 1')).trim();
    const x = Number(reply);
    if (!Number.isFinite(x)) throw new InstrumentError('instrument-reply', `reference (WT): expected watt hours from :NUMeric:NORMal:VALue? 1, got "${reply}"`);
    return x;
  }
  async accuracyPct(): Promise<number | null> {
    return null; // the instrument does not declare it over the interface: the plan's class is used
  }
  close(): Promise<void> {
    return this.line.close();
  }
}
