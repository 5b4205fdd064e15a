// Meaning checks of one meter's compensation block: the exact decimals must be plain positive decimals, and a
// transformer ratio must be one a metering transformer can have. Each problem names the field and what is expected.
import { parseDecimal, type Rational } from '../../drivers/rational.js';
import type { GatewayConfig } from './gateway-config.js';

/** Largest CT or VT ratio accepted (primary/secondary): e.g. 5000/1 A CTs and 400 kV/110 V VTs are far below it. */
export const MAX_TRANSFORMER_RATIO = 100_000n;

type Bad = (path: string, what: string, fix: string) => void;
type Compensation = GatewayConfig['meters'][number]['compensation'];

const PLAIN = /^\d+(\.\d+)?$/;

const FIX = {
  ctRatio: 'write the ratio as one decimal, e.g. "40" for 200/5; "1" for whole current',
  vtRatio: 'write the ratio as one decimal, e.g. "100" for 11000/110; "1" for direct connection',
  lossMultiplier: 'write the multiplier as a positive decimal, e.g. "1.02"; "1" when there are no losses',
  pulseMultiplier: 'write a positive decimal such as "1"',
  calibrationFactor: 'write a positive decimal such as "1"',
} as const;

export function checkCompensation(c: Compensation, at: string, bad: Bad): void {
  for (const f of ['ctRatio', 'vtRatio', 'lossMultiplier', 'pulseMultiplier', 'calibrationFactor'] as const) {
    const text = c[f];
    const path = `${at}.compensation.${f}`;
    if (/^-\d+(\.\d+)?$/.test(text)) {
      bad(path, `is ${text}, which is not greater than 0`, FIX[f]);
      continue;
    }
    if (!PLAIN.test(text)) {
      const why = /e/i.test(text) ? ' (exponents are not accepted: write every digit)' : /^\+/.test(text) ? ' (no sign)' : '';
      bad(path, `"${text}" is not a plain decimal${why}`, FIX[f]);
      continue;
    }
    const r = parseDecimal(text);
    if (r.num <= 0n) bad(path, `is ${text}, which is not greater than 0`, FIX[f]);
    else if (f === 'ctRatio' || f === 'vtRatio') ratioProblem(r, text, path, f === 'ctRatio' ? 'CT' : 'VT', bad);
  }
}

function ratioProblem(r: Rational, text: string, path: string, kind: 'CT' | 'VT', bad: Bad): void {
  const fix = kind === 'CT' ? FIX.ctRatio : FIX.vtRatio;
  if (r.num < r.den) {
    bad(path, `is ${text}, below 1: a ${kind} steps its primary down, so primary/secondary is at least 1`, `${fix} (a ratio written upside down, e.g. 0.025 for 200/5, is 40)`);
  } else if (r.num > MAX_TRANSFORMER_RATIO * r.den) {
    bad(path, `is ${text}, above ${MAX_TRANSFORMER_RATIO}: no metering ${kind} has that ratio`, `${fix}; check for extra digits or a primary value written in place of the ratio`);
  }
}
