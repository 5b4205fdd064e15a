import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { errorPercent } from '../../calibration/maths/error-percent.js';
import { mean, sampleStdDev } from '../../calibration/maths/statistics.js';
import { measurementDurationS, resolutionDurationS } from '../../calibration/maths/measurement-duration.js';
import { uncertaintyBudget } from '../../calibration/maths/uncertainty.js';
import { overallVerdict, verdictOf } from '../../calibration/maths/verdict.js';
import { interpolateCertificate, transformerErrorApproxPct, transformerErrorPct } from '../../calibration/maths/overall-accuracy.js';
import { deriveCorrections, phaseErrorFromPoint, type MeasuredPoint } from '../../calibration/calibrate/corrections.js';
import { atm90e26NewRegisters, atm90e26Effect, ade7953NewRegisters } from '../../calibration/calibrate/chip-registers.js';
import { calibrationFactorRational, calibrationFactorString } from '../../calibration/calibrate/calibration-factor.js';
import { ConfigError } from '../../drivers/errors.js';
import { errorCurveFrom, presetCurve } from '../../calibration/sim/dut-error-curves.js';
import { join } from 'node:path';

const close = (a: number, b: number, tol: number, msg = '') => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b} ${msg}`);

test('error %, mean and sample standard deviation', () => {
  close(errorPercent(101, 100), 1, 1e-12);
  close(errorPercent(99.5, 100), -0.5, 1e-12);
  assert.throws(() => errorPercent(1, 0), (e: unknown) => e instanceof ConfigError && /source output on/.test((e as Error).message));
  assert.is(mean([1, 2, 3]), 2);
  close(sampleStdDev([1, 2, 3, 4]), Math.sqrt(5 / 3), 1e-12);
  assert.is(sampleStdDev([5]), 0);
});

test('measuring time: a 0.01 kWh register at 1380 W against 2.5 % needs 10435 s; minimum and maximum apply', () => {
  close(resolutionDurationS({ whPerCount: 10, powerW: 1380, limitPct: 2.5, share: 0.1, minS: 30, maxS: 1e9 }), 10434.78, 0.01);
  assert.is(measurementDurationS({ whPerCount: 10, powerW: 1380, limitPct: 2.5, share: 0.1, minS: 30, maxS: 1e9 }), 10435);
  assert.is(measurementDurationS({ whPerCount: 0.001, powerW: 1380, limitPct: 2.5, share: 0.1, minS: 30, maxS: 1e9 }), 30);
  assert.throws(() => measurementDurationS({ whPerCount: 10, powerW: 1380, limitPct: 2.5, share: 0.1, minS: 30, maxS: 3600 }), /raise defaults.maxDurationS/);
  fc.assert(
    fc.property(fc.double({ min: 1e-4, max: 10, noNaN: true }), fc.double({ min: 10, max: 1e5, noNaN: true }), fc.constantFrom(2, 2.5), (q, p, lim) => {
      const t = measurementDurationS({ whPerCount: q, powerW: p, limitPct: lim, share: 0.1, minS: 30, maxS: 1e12 });
      const e = (p * t) / 3600;
      return (100 * q) / e <= lim / 10 + 1e-9;
    }),
  );
});

test('uncertainty budget combines root-sum-square, k from the effective degrees of freedom', () => {
  const u = uncertaintyBudget({ stdDevPct: 0.06, n: 4, referenceAccuracyPct: 0.05 * Math.sqrt(3), whPerCount: 0.01, energyWh: (100 * 0.01) / (0.04 * Math.sqrt(6)) });
  close(u.typeAPct, 0.03, 1e-12);
  close(u.referencePct, 0.05, 1e-12);
  close(u.resolutionPct, 0.04, 1e-12);
  // nu_eff = 0.005^2 / (0.03^4 / 3) = 92.6 -> 92; t between the table's 2.05 (nu 50) and 2.025 (nu 100)
  assert.is(u.effectiveDof, 92);
  assert.ok(u.k > 2.025 && u.k < 2.05, String(u.k));
  close(u.expandedPct, u.k * Math.sqrt(0.03 ** 2 + 0.05 ** 2 + 0.04 ** 2), 1e-12);
  close(uncertaintyBudget({ stdDevPct: 0, n: 3, referenceAccuracyPct: 1, referenceCertificateUPct: 0.1, whPerCount: 0, energyWh: 1 }).referencePct, 0.05, 1e-12);
});

test('decision rule: guard band U on both sides', () => {
  assert.is(verdictOf(1.8, 0.1, 2), 'pass');
  assert.is(verdictOf(-1.9, 0.1, 2), 'pass');
  assert.is(verdictOf(1.95, 0.1, 2), 'inconclusive');
  assert.is(verdictOf(2.0, 0.1, 2), 'inconclusive');
  assert.is(verdictOf(-2.05, 0.1, 2), 'inconclusive');
  assert.is(verdictOf(2.11, 0.1, 2), 'fail');
  assert.is(overallVerdict(['pass', 'inconclusive']), 'inconclusive');
  assert.is(overallVerdict(['pass', 'inconclusive', 'fail']), 'fail');
  assert.is(overallVerdict([]), 'inconclusive');
  fc.assert(fc.property(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (e, U) => {
    const v = verdictOf(e, U, 2);
    return v === 'pass' ? Math.abs(e) + U <= 2 : v === 'fail' ? Math.abs(e) - U > 2 : Math.abs(e) + U > 2 && Math.abs(e) - U <= 2;
  }));
});

test('CT/VT combination reproduces the worked example of standards.md 8.1', () => {
  const ct = { ratioErrorPct: -0.2, phaseMinutes: 10 };
  const vt = { ratioErrorPct: 0.1, phaseMinutes: 5 };
  const phi = (pf: number, lead = false) => ((lead ? -1 : 1) * Math.acos(pf) * 180) / Math.PI;
  close(transformerErrorApproxPct(phi(0.8), ct, vt), 0.0091, 0.0001);
  close(transformerErrorPct(phi(0.8), ct, vt), 0.0087, 0.0001);
  close(transformerErrorApproxPct(phi(0.8, true), ct, vt), -0.2091, 0.0001);
  close(transformerErrorPct(phi(0.8, true), ct, vt), -0.2093, 0.0001);
  close(transformerErrorApproxPct(phi(0.5), ct, vt), 0.1519, 0.0001);
  close(transformerErrorPct(phi(0.5), ct, vt), 0.1514, 0.0001);
  close(transformerErrorPct(0, ct, vt), (0.998 * 1.001 * Math.cos(((5 / 60) * Math.PI) / 180) - 1) * 100, 1e-9);
  const i = interpolateCertificate([{ percentRated: 20, ratioErrorPct: -0.3, phaseMinutes: 15 }, { percentRated: 100, ratioErrorPct: -0.2, phaseMinutes: 10 }], 60);
  close(i.ratioErrorPct, -0.25, 1e-12);
  close(i.phaseMinutes, 12.5, 1e-12);
});

test('corrections recover a known gain and phase error exactly', () => {
  const g = 1.03;
  const d = 0.7;
  const mk = (id: string, currentA: number, pf: number, pfKind: MeasuredPoint['pfKind']): MeasuredPoint => {
    const phi = ((pfKind === 'lead' ? -1 : pfKind === 'lag' ? 1 : 0) * Math.acos(pf) * 180) / Math.PI;
    const e = (g * Math.cos(((phi - d) * Math.PI) / 180)) / Math.cos((phi * Math.PI) / 180) - 1;
    return { pointId: id, currentA, voltageV: 230, frequencyHz: 50, pf, pfKind, meanErrorPct: e * 100 };
  };
  const pts = [mk('a', 6, 1, 'unity'), mk('b', 32, 1, 'unity'), mk('c', 6, 0.5, 'lag'), mk('d', 32, 0.8, 'lead')];
  const c = deriveCorrections(pts, 230, 50);
  close(c.gainFactor, 1 / g, 1e-10);
  close(c.phaseErrorDeg!, d, 1e-9);
  for (const p of c.predicted) close(p.afterPct, 0, 1e-9, p.pointId);
  close(phaseErrorFromPoint(mk('x', 6, 0.5, 'lag').meanErrorPct, g, 60), d, 1e-9);
  assert.throws(() => deriveCorrections([mk('c', 6, 0.5, 'lag')], 230, 50), /no PF 1/);
});

test('chip registers: ATM90E26 and ADE7953 new values, and the exact gateway factor', () => {
  const regs = atm90e26NewRegisters({ Lgain: 0x8000, Lphi: 0, Ugain: 0x8000, IgainL: 0x8000 }, 1 / 1.03, 0.6, { referenceV: 230, measuredV: 232.3, referenceA: 16, measuredA: 15.76 });
  const eff = atm90e26Effect(regs);
  close(eff.gain, 1 / 1.03, 1 / 0x8000);
  close(eff.lphiDeg, -0.6, 0.0005);
  close((regs.Ugain / 0x8000) * 232.3, 230, 0.01);
  close((regs.IgainL / 0x8000) * 15.76, 16, 0.001);
  assert.throws(() => atm90e26NewRegisters({ Lgain: 0xf000, Lphi: 0, Ugain: 1, IgainL: 1 }, 2, null, null), /outside 1..65535/);
  const ade = ade7953NewRegisters({ AWGAIN: 0x400000, PHCALA: 0 }, 0.98, 0.1);
  assert.is(ade.AWGAIN, Math.round(0x400000 * 0.98));
  assert.is(ade.PHCALA, 5);
  const s = calibrationFactorString(1 / 1.03);
  assert.is(s, '0.970874');
  assert.equal(calibrationFactorRational(s), { num: 485437n, den: 500000n });
});

test('DUT error curves: presets relative to the ratings, and a file interpolated in current', () => {
  const r = { unV: 230, inA: 6, imaxA: 32 };
  close(presetCurve('fail-low-current', r)(6, 1), 0.04, 1e-12);
  close(presetCurve('fail-low-current', r)(32, 1), 0.004, 1e-12);
  close(presetCurve('on-limit', r)(16, 1), 0.02, 1e-12);
  close(presetCurve('on-limit', r)(15.9, 1), 0.025, 1e-12);
  close(presetCurve('on-limit', r)(32, 0.5), 0.025, 1e-12);
  const f = errorCurveFrom(join(import.meta.dirname, '..', '..', 'fixtures', 'calibration', 'dut-error-curve.yaml'), r);
  close(f(11, 1), 0.009, 1e-12);
  close(f(6, 0.5), 0.018, 1e-12);
  close(f(40, 0.8), -0.003, 1e-12);
  assert.throws(() => errorCurveFrom('no-such-curve', r), /neither a preset/);
});

test.run();
