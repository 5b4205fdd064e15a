// `bench overall` integrity: no extrapolation beyond a certificate's range, no duplicate certificate rows,
// and the phase-displacement uncertainty in U.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { overallCheck, type OverallInputPoint } from '../../calibration/overall/overall-check.js';
import { readTransformerCertificate, type TransformerCertificate } from '../../calibration/overall/transformer-certificate.js';
import { ConfigError } from '../../drivers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'amsgate-overall-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const ct = (over: Partial<TransformerCertificate> = {}): TransformerCertificate => ({
  kind: 'ct',
  identity: 'CT test',
  ratedSecondary: 5,
  uncertaintyPct: 0,
  phaseUncertaintyMinutes: 0,
  points: [
    { percentRated: 5, ratioErrorPct: -0.4, phaseMinutes: 20 },
    { percentRated: 120, ratioErrorPct: -0.2, phaseMinutes: 10 },
  ],
  ...over,
});
const point = (currentA: number, phaseDeg = 0): OverallInputPoint => ({ id: `P-${currentA}`, currentA, voltageV: 63.5, phaseDeg, meterErrorPct: 0, meterExpandedPct: 0, limitPct: 2 });

test('a point beyond the certificate range is refused, naming the point and the range', () => {
  try {
    overallCheck([point(1), point(7)], ct(), null);
    assert.unreachable('extrapolated');
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, /P-7: 7 A is 140 % of the CT's rated 5 A, outside its certificate's 5\.\.120 %/);
  }
  try {
    overallCheck([point(0.2)], ct(), null);
    assert.unreachable('extrapolated below');
  } catch (e) {
    assert.match((e as Error).message, /P-0\.2: .* outside/);
  }
  assert.is(overallCheck([point(6)], ct(), null).length, 1, '120 % is inside');
});

test('a certificate with two rows at the same percentage is rejected', () => {
  const f = join(dir, 'dup.yaml');
  writeFileSync(f, 'ratedSecondary: 5\npoints:\n  - { percentRated: 20, ratioErrorPct: -0.3, phaseMinutes: 15 }\n  - { percentRated: 20, ratioErrorPct: -0.1, phaseMinutes: 5 }\n');
  try {
    readTransformerCertificate(f, 'ct');
    assert.unreachable('duplicate accepted');
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, /two rows at 20 %/);
  }
});

test('the phase-displacement uncertainty enters U through tan(phi)', () => {
  // 10 minutes at PF 0.5 lag: 10 x 0.02909 % per minute (standards.md 8.1) x tan 60 deg
  const [r] = overallCheck([point(5, 60)], ct({ phaseUncertaintyMinutes: 10 }), null);
  assert.ok(Math.abs(r!.expandedPct - 10 * 0.02909 * Math.sqrt(3)) < 1e-4, String(r!.expandedPct));
  const [unity] = overallCheck([point(5, 0)], ct({ phaseUncertaintyMinutes: 10 }), null);
  assert.is(unity!.expandedPct, 0);
});

test.run();
