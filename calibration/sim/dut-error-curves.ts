// Error curves for simulated devices under test: named presets relative to the device's ratings, or a
// file of (current, pf, error %) points. Signature (currentA, pf) -> fraction, as the catalog simulators take.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigError } from '../../drivers/errors.js';
import type { Ratings } from '../limits/applicable-limit.js';

export type ErrorCurve = (currentA: number, pf: number) => number;
export const PRESET_CURVES = ['pass', 'fail-low-current', 'on-limit'] as const;

/** The a.c./d.c. Type 5 limit at a current and PF, used to build the on-limit curve. */
function tableLimitPct(currentA: number, pf: number, r: Ratings): number {
  if (pf < 0.999) return 2.5;
  return currentA >= r.imaxA / 2 - 1e-9 ? 2.0 : 2.5;
}

export function presetCurve(name: string, r: Ratings): ErrorCurve {
  switch (name) {
    case 'pass':
      // A good meter: +0.3 % at full load rising to +0.6 % at In; 0.2 % more at low PF.
      return (i, pf) => (0.3 + 0.3 * (1 - (i - r.inA) / Math.max(1e-9, r.imaxA - r.inA)) + (pf < 0.999 ? 0.2 : 0)) / 100;
    case 'fail-low-current':
      // Good above 50 % Imax, but reads 4 % high at In, falling linearly to +0.4 % at 50 % Imax.
      return (i) => {
        const half = r.imaxA / 2;
        if (i >= half) return 0.004;
        const t = (i - r.inA) / Math.max(1e-9, half - r.inA);
        return (4 - 3.6 * Math.max(0, Math.min(1, t))) / 100;
      };
    case 'on-limit':
      // Exactly at the limit everywhere: any measurement uncertainty makes the verdict inconclusive.
      return (i, pf) => tableLimitPct(i, pf, r) / 100;
    default:
      throw new ConfigError('dut-error', `unknown --dut-error "${name}"; use ${PRESET_CURVES.join(', ')} or a YAML/JSON file of {points: [{currentA, pf, errorPct}]}`);
  }
}

/** A curve from points: linear in current between points of the nearest power factor. */
export function curveFromPoints(points: { currentA: number; pf: number; errorPct: number }[]): ErrorCurve {
  if (points.length === 0) throw new ConfigError('dut-error', 'error curve file has no points');
  return (i, pf) => {
    const nearestPf = points.reduce((a, p) => (Math.abs(p.pf - pf) < Math.abs(a - pf) ? p.pf : a), points[0]!.pf);
    const s = points.filter((p) => p.pf === nearestPf).sort((a, b) => a.currentA - b.currentA);
    if (i <= s[0]!.currentA) return s[0]!.errorPct / 100;
    for (let k = 1; k < s.length; k++) {
      const a = s[k - 1]!;
      const b = s[k]!;
      if (i <= b.currentA) return (a.errorPct + ((i - a.currentA) / (b.currentA - a.currentA)) * (b.errorPct - a.errorPct)) / 100;
    }
    return s[s.length - 1]!.errorPct / 100;
  };
}

export function errorCurveFrom(spec: string, r: Ratings): ErrorCurve {
  if ((PRESET_CURVES as readonly string[]).includes(spec)) return presetCurve(spec, r);
  let data: unknown;
  try {
    data = parse(readFileSync(spec, 'utf8'));
  } catch (e) {
    throw new ConfigError('dut-error', `--dut-error "${spec}" is neither a preset (${PRESET_CURVES.join(', ')}) nor a readable YAML/JSON file: ${(e as Error).message}`);
  }
  const pts = (data as { points?: unknown }).points;
  if (!Array.isArray(pts)) throw new ConfigError('dut-error', `error curve file ${spec} needs a "points" list of {currentA, pf, errorPct}`);
  return curveFromPoints(pts as { currentA: number; pf: number; errorPct: number }[]);
}
