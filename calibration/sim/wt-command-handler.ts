// A simulated WT300E-series analyser speaking the dialect of calibration/instruments/wt-reference.ts: program
// message units separated by ";", replies of one message joined by ";", errors into an error queue read with
// :STATus:ERRor?. Integration of active energy from the reference model, START / STOP / RESet.
import type { ReferenceModel } from './reference-model.js';

const norm = (raw: string): string => {
  const q = raw.endsWith('?');
  const h = q ? raw.slice(0, -1) : raw;
  return h.toUpperCase().replace(/^:/, '').split(':').map((p) => {
    const long: Record<string, string> = { COMMUNICATE: 'COMM', HEADER: 'HEAD', NUMERIC: 'NUM', NORMAL: 'NORM', VALUE: 'VAL', INTEGRATE: 'INTEG', START: 'STAR', RESET: 'RES', STATUS: 'STAT', ERROR: 'ERR', TIMER: 'TIM' };
    return long[p] ?? p;
  }).join(':') + (q ? '?' : '');
};

export class WtCommandHandler {
  private errors: string[] = [];
  private running = false;
  private held = 0;
  private startedAt = 0;
  private item1: string | null = null;
  constructor(private readonly model: ReferenceModel, private readonly identity = 'YOKOGAWA,WT310E-SIM,SIM0001,F1.00') {}

  private energy(): number {
    return this.held + (this.running ? this.model.energyWh() - this.startedAt : 0);
  }

  private one(unit: string): string | null {
    const t = unit.trim();
    const sp = t.search(/\s/);
    const head = norm(sp < 0 ? t : t.slice(0, sp));
    const arg = sp < 0 ? '' : t.slice(sp + 1).trim();
    const err = (code: number, text: string) => {
      this.errors.push(`${code},"${text}"`);
      return null;
    };
    switch (head) {
      case '*IDN?':
        return this.identity;
      case 'COMM:HEAD':
      case 'INTEG:MODE':
      case 'INTEG:TIM':
        return null;
      case 'NUM:NORM:ITEM1':
      case 'NUM:ITEM1':
        if (!/^WH,(1|SIGMA)$/i.test(arg)) return err(224, 'Illegal parameter value');
        this.item1 = arg.toUpperCase();
        return null;
      case 'INTEG:STAR':
        if (this.running) return err(813, 'Integration is running');
        this.model.reset();
        this.startedAt = 0;
        this.running = true;
        return null;
      case 'INTEG:STOP':
        if (this.running) this.held = this.energy();
        this.running = false;
        return null;
      case 'INTEG:RES':
        if (this.running) return err(813, 'Integration is running');
        this.held = 0;
        return null;
      case 'NUM:NORM:VAL?':
      case 'NUM:VAL?':
        if (arg !== '1' || this.item1 === null) return err(222, 'Data out of range');
        return this.energy().toPrecision(7);
      case 'STAT:ERR?':
        return this.errors.shift() ?? '0,"No error"';
      default:
        return err(113, 'Undefined header');
    }
  }

  handle(line: string): string | null {
    const replies = line.split(';').map((u) => this.one(u)).filter((r): r is string => r !== null);
    return replies.length ? replies.join(';') : null;
  }
}
