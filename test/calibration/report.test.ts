// The certificate: JSON contents, and the HTML page as headless Chromium renders it (CI installs Debian
// "chromium"; this test fails with that instruction when it is missing).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePlan } from '../../calibration/plan/generate-plan.js';
import { runPlan } from '../../calibration/run/run-plan.js';
import { ResultsStore } from '../../calibration/run/results-store.js';
import { VirtualClock } from '../../calibration/sim/virtual-clock.js';
import { simulatedBench } from '../../calibration/sim/simulated-bench.js';
import { presetCurve } from '../../calibration/sim/dut-error-curves.js';
import { buildCertificate } from '../../calibration/report/certificate.js';
import { writeReport } from '../../calibration/report/write-report.js';
import { findChromium, runChromium } from '../../calibration/report/pdf.js';

const dir = mkdtempSync(join(tmpdir(), 'amsgate-report-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function certificateFor(curve: string) {
  const plan = generatePlan({ unV: 230, inA: 6, imaxA: 32, supply: 'ac', phases: 1 });
  plan.operator = 'A. Tester';
  const clock = new VirtualClock();
  const bench = simulatedBench({ plan, clock, dut: { curve: presetCurve(curve, { unV: 230, inA: 6, imaxA: 32 }) } });
  const store = new ResultsStore(':memory:');
  const res = await runPlan({ plan, source: bench.source, reference: bench.referenceInstrument, dut: bench.dut, store, clock });
  const cert = buildCertificate(store, res.runId, { issuedAt: Date.now() });
  store.close();
  return { plan, cert };
}

test('certificate JSON carries identities, environment, rule, limits and every point', async () => {
  const { plan, cert } = await certificateFor('fail-low-current');
  assert.is(cert.verdict, 'fail');
  assert.is(cert.points.length, plan.points.length);
  assert.is(cert.device.identity.model, 'sim-meter');
  assert.match(cert.instruments.reference, /SIM-REFERENCE/);
  assert.is(cert.environment.temperatureC, 23, 'as the simulated standard measured it');
  assert.is(cert.environment.source, 'instrument');
  assert.is(cert.operator, 'A. Tester');
  assert.match(cert.decisionRule, /ILAC-G8/);
  assert.match(cert.limits.source, /seeds\/003/);
  assert.ok(cert.points.every((p) => p.uncertainty.k > 2 && p.n >= 3));
});

test('Chromium renders the page: verdict text and one marker per point', async () => {
  const bin = findChromium();
  assert.ok(bin, 'headless Chromium is needed for this test: apt-get install -y chromium (CI installs Debian "chromium")');
  const { plan, cert } = await certificateFor('fail-low-current');
  const out = await writeReport(cert, join(dir, 'fail'), { pdf: true });
  const dom = await runChromium(['--dump-dom', '--virtual-time-budget=2000'], out.html);
  assert.match(dom, /id="verdict"[^>]*>Verdict: FAIL</);
  assert.is((dom.match(/class="pt"/g) ?? []).length, plan.points.length);
  const failing = cert.points.filter((p) => p.verdict === 'fail').length;
  assert.ok(failing > 0);
  assert.is((dom.match(/data-verdict="fail"/g) ?? []).length, failing);
  assert.is((dom.match(/class="limit"/g) ?? []).length, 4);
  assert.ok(existsSync(out.pdf!));
  assert.is(readFileSync(out.pdf!).subarray(0, 5).toString(), '%PDF-');
  const png = join(dir, 'shot.png');
  await runChromium([`--screenshot=${png}`, '--window-size=1200,1600'], out.html);
  assert.ok(readFileSync(png).length > 10_000, 'screenshot too small to show anything');
});

test.run();
