// The simulated programmable source's command interpreter (pure apart from driving the bench line).
// As a phantom load (role "current") it drives only the current: an AC source on the same line sets the voltage.
import { SCPI_ERR, errReply, fmt, parseScpiLine } from '../instruments/scpi-commands.js';
import type { BenchLine } from './bench-line.js';

export interface SourceLimits {
  maxVoltageV: number;
  maxCurrentA: number;
}

export class SourceCommandHandler {
  private lastError = '0,No error';
  constructor(
    private readonly line: BenchLine,
    private readonly identity = 'AMSGATE,SRC-SIM,0001,1.0',
    private readonly limits: SourceLimits = { maxVoltageV: 480, maxCurrentA: 120 },
    private readonly role: 'both' | 'current' = 'both',
  ) {}

  handle(text: string): string | null {
    const c = parseScpiLine(text);
    if (!c) return null;
    const fail = (code: number, msg: string): string => {
      this.lastError = `${code},${msg}`;
      return errReply(code, msg);
    };
    const st = this.line.state();
    const num = (): number | null => {
      const x = Number(c.args[0]);
      return c.args.length === 1 && c.args[0] !== '' && Number.isFinite(x) ? x : null;
    };
    const setNum = (name: string, min: number, max: number, apply: (x: number) => void): string => {
      const x = num();
      if (x === null) return fail(SCPI_ERR.missingParameter, `${name} needs one number`);
      if (x < min || x > max) return fail(SCPI_ERR.dataOutOfRange, `${name} ${x} outside ${min}..${max}`);
      apply(x);
      return 'OK';
    };
    const key = `${c.header}${c.query ? '?' : ''}`;
    if (this.role === 'current' && key.startsWith('SOUR:VOLT')) return fail(SCPI_ERR.undefinedHeader, `${key}: a phantom load sets no voltage`);
    switch (key) {
      case '*IDN?':
        return this.identity;
      case '*RST':
        this.line.output(false);
        this.line.set({ voltageV: 0, currentA: 0, phaseDeg: 0, frequencyHz: 50 });
        return 'OK';
      case 'SOUR:VOLT':
        return setNum('SOUR:VOLT', 0, this.limits.maxVoltageV, (x) => this.line.set({ ...st.setting, voltageV: x }));
      case 'SOUR:VOLT?':
        return fmt(st.setting.voltageV);
      case 'SOUR:CURR':
        return setNum('SOUR:CURR', 0, this.limits.maxCurrentA, (x) => this.line.set({ ...st.setting, currentA: x }));
      case 'SOUR:CURR?':
        return fmt(st.setting.currentA);
      case 'SOUR:PHAS':
        return setNum('SOUR:PHAS', -180, 180, (x) => this.line.set({ ...st.setting, phaseDeg: x }));
      case 'SOUR:PHAS?':
        return fmt(st.setting.phaseDeg);
      case 'SOUR:FREQ':
        return setNum('SOUR:FREQ', 0, 70, (x) => this.line.set({ ...st.setting, frequencyHz: x === 0 ? null : x }));
      case 'SOUR:FREQ?':
        return fmt(st.setting.frequencyHz ?? 0);
      case 'OUTP': {
        const a = (c.args[0] ?? '').toUpperCase();
        const ch = this.role === 'current' ? 'current' : 'both';
        if (a === 'ON' || a === '1') this.line.output(true, ch);
        else if (a === 'OFF' || a === '0') this.line.output(false, ch);
        else return fail(SCPI_ERR.illegalParameter, 'OUTP takes ON or OFF');
        return 'OK';
      }
      case 'OUTP?':
        return (this.role === 'current' ? st.currentOn : st.on) ? 'ON' : 'OFF';
      case 'SYST:ERR?': {
        const e = this.lastError;
        this.lastError = '0,No error';
        return e;
      }
      default:
        return fail(SCPI_ERR.undefinedHeader, `unknown command ${c.header}${c.query ? '?' : ''}`);
    }
  }
}
