// A simulated Keysight AC6800B-series AC source speaking the dialect of calibration/instruments/ac6800-dialect.ts:
// long/short keywords in any case, optional nodes ([SOURce:], [:LEVel][:IMMediate][:AMPLitude], [:STATe]),
// message units separated by ";" (same subsystem) or ";:" (root), no reply to settings, errors into a queue read
// with SYSTem:ERRor?. It drives the voltage channel of the bench line; a phantom load drives the current.
import { AC6800_ERR, AC6800_RANGE_MAX_V, type Ac6800Range } from '../instruments/ac6800-dialect.js';
import { fmt } from '../instruments/scpi-commands.js';
import type { BenchLine } from './bench-line.js';

// Keyword long forms; the short form is the leading upper-case part.
const KEYWORDS = ['SOURce', 'VOLTage', 'LEVel', 'IMMediate', 'AMPLitude', 'RANGe', 'FREQuency', 'OUTPut', 'STATe', 'COUPling', 'SYSTem', 'ERRor', 'MEASure', 'SCALar', 'CW'];
const OPTIONAL = new Set(['SOUR', 'LEV', 'IMM', 'AMPL', 'STAT', 'SCAL', 'CW']);

function shortOf(token: string): string | null {
  const t = token.toUpperCase();
  for (const k of KEYWORDS) {
    const short = k.replace(/[a-z]+$/, '');
    if (t === k.toUpperCase() || t === short) return short;
  }
  return null;
}

/** "VOLTage:LEVel:IMMediate" -> "VOLT"; null when a keyword is not in the dialect. */
function normalise(path: string[]): string | null {
  const out: string[] = [];
  for (const p of path) {
    const s = shortOf(p);
    if (s === null) return null;
    if (!OPTIONAL.has(s)) out.push(s);
  }
  return out.join(':');
}

export class Ac6800CommandHandler {
  private errors: string[] = [];
  private range: Ac6800Range = 135;
  private voltageV = 0;
  private frequencyHz = 60;
  constructor(
    private readonly line: BenchLine,
    private readonly identity = 'Keysight Technologies,AC6802B,SIM0002,A.01.00',
    /** Frequency span the simulated source accepts [U: the model's span, not read in the guide]. */
    private readonly frequencySpanHz: [number, number] = [40, 500],
  ) {}

  private push(code: readonly [number, string], detail = ''): null {
    this.errors.push(`${code[0]},"${code[1]}${detail ? `; ${detail}` : ''}"`);
    return null;
  }

  private setLine(): void {
    const st = this.line.state();
    this.line.set({ ...st.setting, voltageV: this.voltageV, frequencyHz: this.frequencyHz });
  }

  private number(arg: string): number | null {
    const x = Number(arg.replace(/\s*(V|HZ)$/i, ''));
    return arg !== '' && Number.isFinite(x) ? x : null;
  }

  private one(header: string, arg: string): string | null {
    if (header.startsWith('*')) {
      switch (header.toUpperCase()) {
        case '*IDN?':
          return this.identity;
        case '*RST':
          this.line.output(false, 'voltage');
          this.range = 135;
          this.voltageV = 0;
          this.frequencyHz = 60;
          this.setLine();
          return null;
        case '*CLS':
          this.errors = [];
          return null;
        default:
          return this.push(AC6800_ERR.undefinedHeader, header);
      }
    }
    const query = header.endsWith('?');
    const key = normalise((query ? header.slice(0, -1) : header).split(':').filter(Boolean));
    if (key === null) return this.push(AC6800_ERR.undefinedHeader, header);
    const want = (min: number, max: number, apply: (x: number) => void): null => {
      const x = this.number(arg);
      if (x === null) return this.push(AC6800_ERR.missingParameter, header);
      if (x < min || x > max) return this.push(AC6800_ERR.dataOutOfRange, `${x} outside ${min}..${max}`);
      apply(x);
      return null;
    };
    switch (`${key}${query ? '?' : ''}`) {
      case 'VOLT':
        return want(0, AC6800_RANGE_MAX_V[this.range], (x) => ((this.voltageV = x), this.setLine()));
      case 'VOLT?':
        return fmt(this.voltageV);
      case 'VOLT:RANG': {
        const r = this.number(arg);
        if (r !== 135 && r !== 270) return this.push(AC6800_ERR.illegalParameter, 'range is 135 or 270');
        if (this.voltageV > AC6800_RANGE_MAX_V[r]) return this.push(AC6800_ERR.settingsConflict, `level ${this.voltageV} V exceeds the ${r} V range`);
        this.range = r;
        return null;
      }
      case 'VOLT:RANG?':
        return String(this.range);
      case 'FREQ':
        return want(this.frequencySpanHz[0], this.frequencySpanHz[1], (x) => ((this.frequencyHz = x), this.setLine()));
      case 'FREQ?':
        return fmt(this.frequencyHz);
      case 'OUTP': {
        const a = arg.toUpperCase();
        if (a !== 'ON' && a !== 'OFF' && a !== '1' && a !== '0') return this.push(AC6800_ERR.illegalParameter, 'ON|OFF|1|0');
        this.line.output(a === 'ON' || a === '1', 'voltage');
        return null;
      }
      case 'OUTP?':
        return this.line.state().voltageOn ? '1' : '0';
      case 'OUTP:COUP':
        // The simulator models the a.c. output only.
        return arg.toUpperCase() === 'AC' ? null : this.push(AC6800_ERR.settingsConflict, 'the simulated source has a.c. coupling only');
      case 'OUTP:COUP?':
        return 'AC';
      case 'MEAS:VOLT?':
        return fmt(this.line.state().voltageOn ? this.voltageV : 0);
      case 'SYST:ERR?':
        return this.errors.shift() ?? '+0,"No error"';
      default:
        return this.push(AC6800_ERR.undefinedHeader, header);
    }
  }

  /** One program message; the replies of its queries joined by ";" (null when it has none). */
  handle(line: string): string | null {
    const replies: string[] = [];
    let prefix: string[] = []; // the header path a unit without a leading ":" continues from
    for (const raw of line.split(';')) {
      const t = raw.trim();
      if (!t) continue;
      const sp = t.search(/\s/);
      let head = sp < 0 ? t : t.slice(0, sp);
      const arg = sp < 0 ? '' : t.slice(sp + 1).trim();
      if (!head.startsWith('*')) {
        const fromRoot = head.startsWith(':');
        const parts = head.split(':').filter(Boolean);
        const full = fromRoot ? parts : [...prefix, ...parts];
        prefix = full.slice(0, -1);
        head = full.join(':');
      }
      const r = this.one(head, arg);
      if (r !== null) replies.push(r);
    }
    return replies.length ? replies.join(';') : null;
  }
}
