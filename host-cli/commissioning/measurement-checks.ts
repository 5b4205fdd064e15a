// Pure verdicts on measurements taken during commissioning. Tolerances live here, with their status.
import type { InstantValues } from '../../drivers/meter-driver.js';

/** Power vs V x I x PF: the three are read separately, so their product may differ by rounding and by timing. */
export const POWER_TOLERANCE_PCT = 3;
/** Register advance vs integral of power over the observation. Type 5 allows +-2.5 % at low load (seeds/003 Table 4) plus timing. */
export const ENERGY_TOLERANCE_PCT = 3;
/** Gateway clock against the installer's tool. STATUS [U]: CoP11's clock accuracy was not readable; 10 s is the project's choice. */
export const CLOCK_TOLERANCE_MS = 10_000;
/** A clamp meter reading vs the meter's current (x CT ratio). */
export const CT_TOLERANCE_PCT = 5;
/** Below this total power an asset is not "running" for direction and polarity tests. */
export const MIN_RUNNING_W = 100;
/** Phase angle tolerance for rotation, degrees. */
export const ROTATION_TOLERANCE_DEG = 15;

export interface Verdict {
  ok: boolean;
  figures: Record<string, string>;
  detail: string;
  fix?: string;
}

const f1 = (x: number): string => x.toFixed(1);
const pct = (a: number, b: number): number => (b === 0 ? (a === 0 ? 0 : Infinity) : ((a - b) / Math.abs(b)) * 100);

/** P against the sum over phases of V x I x |PF| (sign taken from P). */
export function powerConsistency(i: InstantValues, tolPct = POWER_TOLERANCE_PCT): Verdict | null {
  const v = i.voltageV;
  const a = i.currentA;
  const pf = i.phasePowerFactor ?? (i.powerFactor !== undefined && v ? v.map(() => i.powerFactor!) : undefined);
  if (!v || !a || !pf || i.powerW === undefined || v.length !== a.length) return null;
  const vip = v.reduce((s, vv, k) => s + vv * (a[k] ?? 0) * Math.abs(pf[k] ?? 0), 0);
  const p = Math.abs(i.powerW);
  const dev = pct(p, vip);
  // A floor of 5 W keeps an idle asset (a few watts of noise) from failing on percentages.
  const ok = Math.abs(p - vip) <= 5 || Math.abs(dev) <= tolPct;
  return {
    ok,
    figures: { 'P W': f1(i.powerW), 'sum V*I*PF W': f1(vip), 'difference %': Number.isFinite(dev) ? dev.toFixed(2) : 'n/a', 'tolerance %': String(tolPct) },
    detail: ok ? `active power agrees with V x I x PF within ${tolPct} %` : `active power ${f1(p)} W differs from V x I x PF ${f1(vip)} W by ${dev.toFixed(1)} %`,
    fix: ok ? undefined : 'check the voltage and current connections of each phase (a current on the wrong phase gives a low PF product), then repeat',
  };
}

export interface PowerSample {
  at: number;
  powerW: number;
}

/** Trapezoidal integral of power over the samples, in Wh. */
export function integrateWh(samples: PowerSample[]): number {
  let wh = 0;
  for (let k = 1; k < samples.length; k++) {
    const a = samples[k - 1]!;
    const b = samples[k]!;
    wh += ((a.powerW + b.powerW) / 2) * ((b.at - a.at) / 3_600_000);
  }
  return wh;
}

/** Register advance (Wh) against the integral of power, allowing the register's resolution at both ends. */
export function energyAdvance(advanceWh: number, integralWh: number, resolutionWh: number, tolPct = ENERGY_TOLERANCE_PCT): Verdict {
  const allowance = Math.abs(integralWh) * (tolPct / 100) + 2 * resolutionWh;
  const diff = advanceWh - Math.abs(integralWh);
  const ok = Math.abs(diff) <= allowance;
  return {
    ok,
    figures: {
      'register advance Wh': advanceWh.toFixed(3),
      'integral of power Wh': Math.abs(integralWh).toFixed(3),
      'difference Wh': diff.toFixed(3),
      'allowed Wh': allowance.toFixed(3),
      'register resolution Wh': String(resolutionWh),
    },
    detail: ok
      ? `the energy register advanced as power predicts (within ${tolPct} % and two register steps)`
      : `the register advanced ${advanceWh.toFixed(1)} Wh but power integrates to ${Math.abs(integralWh).toFixed(1)} Wh`,
    fix: ok ? undefined : 'the register does not follow the measured power: check the meter model in the configuration (register scaling), the pulse multiplier and that the load was steady; repeat with a longer observation (--integrate-s)',
  };
}

const norm = (deg: number): number => ((((deg + 180) % 360) + 360) % 360) - 180;

/** Standard rotation L1-L2-L3: L2 lags L1 by 120 degrees (-120) and L3 by 240 (+120). */
export function phaseRotation(anglesDeg: number[]): Verdict {
  const [a1 = 0, a2 = 0, a3 = 0] = anglesDeg;
  const d2 = norm(a2 - a1);
  const d3 = norm(a3 - a1);
  const standard = Math.abs(d2 + 120) <= ROTATION_TOLERANCE_DEG && Math.abs(d3 - 120) <= ROTATION_TOLERANCE_DEG;
  const reversed = Math.abs(d2 - 120) <= ROTATION_TOLERANCE_DEG && Math.abs(d3 + 120) <= ROTATION_TOLERANCE_DEG;
  return {
    ok: standard,
    figures: { 'L1 deg': f1(a1), 'L2 deg': f1(a2), 'L3 deg': f1(a3), 'L2-L1 deg': f1(d2), 'L3-L1 deg': f1(d3) },
    detail: standard ? 'phase rotation is standard (L1-L2-L3)' : reversed ? 'phase rotation is reversed (L1-L3-L2)' : 'phase angles are not 120 degrees apart',
    fix: standard ? undefined : reversed ? 'swap two phase connections at the meter terminals so that L2 lags L1 by 120 degrees' : 'a phase voltage is missing or wired to the wrong terminal: check every voltage connection',
  };
}

/** Under a load known to be importing (sign +1) or exporting (-1), every phase power must have that sign. */
export function polarity(i: InstantValues, expectedSign: 1 | -1): Verdict | null {
  if (i.powerW === undefined) return null;
  const phases = i.phasePowerW && i.phasePowerW.length > 0 ? i.phasePowerW : [i.powerW];
  const figures: Record<string, string> = { 'P W': f1(i.powerW) };
  phases.forEach((w, k) => (figures[`L${k + 1} W`] = f1(w)));
  if (Math.abs(i.powerW) < MIN_RUNNING_W) {
    return { ok: false, figures, detail: `the asset draws only ${f1(i.powerW)} W: too little to judge polarity`, fix: `run the asset at a steady load above ${MIN_RUNNING_W} W and repeat` };
  }
  // A phase with hardly any current may show either sign; only clear reversals count.
  const threshold = Math.max(10, (Math.abs(i.powerW) / phases.length) * 0.2);
  const wrong = phases.map((w, k) => ({ w, k })).filter(({ w }) => Math.sign(w) === -expectedSign && Math.abs(w) >= threshold);
  const ok = wrong.length === 0 && Math.sign(i.powerW) === expectedSign;
  const names = wrong.map(({ k }) => `L${k + 1}`).join(', ');
  return {
    ok,
    figures,
    detail: ok ? `every phase shows ${expectedSign > 0 ? 'import (+)' : 'export (-)'} power as expected` : wrong.length ? `power on ${names} has the opposite sign` : 'total power has the opposite sign',
    fix: ok ? undefined : wrong.length ? `reverse the connection of ${names} (line and load swapped at the terminals)` : 'the meter is connected the wrong way round: swap supply and load connections',
  };
}

/**
 * Direction of power flow: while the asset runs in `running` direction the register of that direction advances and
 * the other does not (beyond two register steps).
 */
export function flowDirection(running: 'import' | 'export', advanceWh: { import: number | null; export: number | null }, resolutionWh: number): Verdict {
  const own = advanceWh[running];
  const other = advanceWh[running === 'import' ? 'export' : 'import'];
  const figures: Record<string, string> = {
    'import advance Wh': advanceWh.import === null ? 'n/a' : advanceWh.import.toFixed(3),
    'export advance Wh': advanceWh.export === null ? 'n/a' : advanceWh.export.toFixed(3),
  };
  if (own === null) {
    return { ok: false, figures, detail: `the meter has no ${running} register`, fix: `choose a meter model that registers ${running} energy` };
  }
  const ownOk = own > 2 * resolutionWh;
  const otherOk = other === null || other <= 2 * resolutionWh;
  const ok = ownOk && otherOk;
  return {
    ok,
    figures,
    detail: ok
      ? `the ${running} register advanced while the asset ran ${running === 'import' ? 'importing' : 'exporting'}`
      : !ownOk && !otherOk
        ? `the ${running === 'import' ? 'export' : 'import'} register advanced instead of the ${running} register`
        : !ownOk
          ? `the ${running} register did not advance`
          : `both registers advanced`,
    fix: ok ? undefined : !otherOk ? 'the meter sees the flow reversed: swap supply and load connections (or turn the CT round)' : 'run the asset harder or longer (--integrate-s) and check it really is running',
  };
}

/** Gateway clock offset from the pong: receivedAt against the midpoint of send and reply. */
export function clockOffset(sentMs: number, replyMs: number, gatewayMs: number, tolMs = CLOCK_TOLERANCE_MS): Verdict {
  const offset = gatewayMs - (sentMs + replyMs) / 2;
  const ok = Math.abs(offset) <= tolMs + (replyMs - sentMs) / 2;
  return {
    ok,
    figures: { 'offset ms': offset.toFixed(0), 'round trip ms': String(replyMs - sentMs), 'tolerance ms': String(tolMs) },
    detail: ok ? `the gateway clock is within ${tolMs / 1000} s` : `the gateway clock is ${(offset / 1000).toFixed(1)} s ${offset > 0 ? 'ahead' : 'behind'}`,
    fix: ok ? undefined : 'enable time synchronisation (NTP) on the gateway and repeat',
  };
}

/** A clamp reading of the primary current against the meter current times the CT ratio. */
export function ctRatioCheck(clampA: number, meterA: number, ctRatio: number, tolPct = CT_TOLERANCE_PCT): Verdict {
  const primary = meterA * ctRatio;
  const dev = pct(primary, clampA);
  const ok = Math.abs(dev) <= tolPct;
  const implied = meterA > 0 ? clampA / meterA : NaN;
  return {
    ok,
    figures: { 'clamp A': clampA.toFixed(2), 'meter A': meterA.toFixed(3), 'meter A x CT ratio': primary.toFixed(2), 'implied ratio': Number.isFinite(implied) ? implied.toFixed(2) : 'n/a', 'difference %': Number.isFinite(dev) ? dev.toFixed(2) : 'n/a' },
    detail: ok ? `the CT ratio ${ctRatio} agrees with the clamp reading` : `meter current x ${ctRatio} = ${primary.toFixed(1)} A but the clamp reads ${clampA.toFixed(1)} A`,
    fix: ok ? undefined : 'check the CT ratio on the rating plate and the configuration (compensation.ctRatio), and which tap of a multi-ratio CT is connected',
  };
}
