// The certificate as a laboratory issues it: A4 pages each with the certificate number, page x of y, the
// signed record's hash and (simulated runs) SIMULATED; the fields a lab certificate needs; the JWS signed
// with the bench key and checked by "bench verify"; the PDF carries the record's hash.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { generatePlan } from '../../calibration/plan/generate-plan.js';
import { runPlan } from '../../calibration/run/run-plan.js';
import { ResultsStore } from '../../calibration/run/results-store.js';
import { VirtualClock } from '../../calibration/sim/virtual-clock.js';
import { simulatedBench } from '../../calibration/sim/simulated-bench.js';
import { presetCurve } from '../../calibration/sim/dut-error-curves.js';
import { buildCertificate } from '../../calibration/report/certificate.js';
import { certificateHtml } from '../../calibration/report/html-page.js';
import { writeReport } from '../../calibration/report/write-report.js';
import { loadBenchKey } from '../../calibration/report/sign-certificate.js';
import { verifyCertificateFiles } from '../../calibration/report/verify-files.js';
import type { MeterDriver } from '../../drivers/meter-driver.js';

const dir = mkdtempSync(join(tmpdir(), 'amsgate-cert-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function cert(o: { simulated: boolean; export?: boolean; anonymousDut?: boolean }) {
  const plan = generatePlan({ unV: 230, inA: 6, imaxA: 32, supply: 'ac', phases: 1, export: o.export });
  Object.assign(plan, { laboratory: 'Test Lab Ltd', customer: 'Charger Co', operator: 'A. Tester' });
  Object.assign(plan.device, { make: 'PlanMake', serial: 'PLAN-SN-7' });
  Object.assign(plan.reference, { certificateNumber: 'REF-CAL-117', calibrationDue: '2027-06-30' });
  const clock = new VirtualClock();
  const b = simulatedBench({ plan, clock, dut: { curve: presetCurve('pass', { unV: 230, inA: 6, imaxA: 32 }) } });
  const dut: MeterDriver = o.anonymousDut ? Object.assign(Object.create(b.dut), { identify: async () => ({ vendor: '', model: 'sim-meter' }) }) : b.dut;
  const store = new ResultsStore(':memory:');
  const res = await runPlan({ plan, source: b.source, reference: b.referenceInstrument, dut, store, clock, simulated: o.simulated });
  const c = buildCertificate(store, res.runId, { issuedAt: Date.now(), approver: 'B. Head' });
  store.close();
  return c;
}

test('every page carries the certificate number, page x of y, the record hash and SIMULATED', async () => {
  const c = await cert({ simulated: true, export: true });
  const html = certificateHtml(c, { recordHash: 'HASH123', kid: 'KID9' });
  const pages = html.split('<section class="page"').slice(1);
  assert.ok(pages.length >= 4, `${pages.length} pages`);
  pages.forEach((p, i) => {
    assert.ok(p.includes(c.certificateId), `page ${i + 1}: number`);
    assert.ok(p.includes(`page ${i + 1} of ${pages.length}`), `page ${i + 1}: x of y`);
    assert.ok(p.includes('SIMULATED'), `page ${i + 1}: SIMULATED`);
    assert.ok(p.includes('HASH123'), `page ${i + 1}: hash`);
  });
  const real = await cert({ simulated: false });
  assert.not.ok(certificateHtml(real, null).includes('SIMULATED'));
  assert.ok(certificateHtml(real, null).includes('UNSIGNED DRAFT'));
});

test('the fields a laboratory certificate needs, the serial from the plan where the driver cannot say', async () => {
  const c = await cert({ simulated: true, anonymousDut: true });
  assert.is(c.laboratory, 'Test Lab Ltd');
  assert.is(c.customer, 'Charger Co');
  assert.is(c.approver, 'B. Head');
  assert.is(c.device.make, 'PlanMake');
  assert.is(c.device.serial, 'PLAN-SN-7');
  assert.is(c.device.firmware, null);
  assert.is(c.instruments.referenceCertificateNumber, 'REF-CAL-117');
  assert.is(c.instruments.referenceCalibrationDue, '2027-06-30');
  const html = certificateHtml(c, null);
  for (const s of ['Test Lab Ltd', 'Charger Co', 'PLAN-SN-7', 'REF-CAL-117', '2027-06-30', 'Decision rule', 'Method', 'Approved by: B. Head']) assert.ok(html.includes(s), s);
  assert.match(html, /firmware<\/th><td>not recorded/);
  const p = c.points[0]!;
  assert.ok(p.deviceWh > 0 && p.referenceWh > 0 && p.uncertainty.k > 2);
});

test('signed with the bench key; verify catches an edited JSON, another key and a PDF of another record', async () => {
  const c = await cert({ simulated: true });
  const key = loadBenchKey(join(dir, 'key'));
  const out = join(dir, 'signed');
  const files = await writeReport(c, out, { key, pdf: true });
  const ok = verifyCertificateFiles(out, key.publicKey);
  assert.ok(ok.ok, JSON.stringify(ok.checks));
  assert.equal(ok.checks.map((x) => x.what), ['signature', 'certificate.json', 'certificate.pdf']);
  assert.is(ok.hash, files.recordHash);
  // another key
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  assert.not.ok(verifyCertificateFiles(out, other).ok);
  // an edited JSON
  const edited = JSON.parse(readFileSync(files.json, 'utf8'));
  edited.verdict = 'pass';
  edited.points[0].meanErrorPct = 0;
  writeFileSync(files.json, JSON.stringify(edited));
  const r = verifyCertificateFiles(out, key.publicKey);
  assert.not.ok(r.ok);
  assert.match(r.checks.find((x) => x.what === 'certificate.json')!.detail, /DIFFERS/);
  // a PDF printed from another record
  const second = await writeReport(await cert({ simulated: true }), join(dir, 'second'), { key, pdf: true });
  writeFileSync(join(out, 'certificate.pdf'), readFileSync(second.pdf!));
  assert.not.ok(verifyCertificateFiles(out, key.publicKey).checks.find((x) => x.what === 'certificate.pdf')!.ok);
});

test('amsgate bench verify: exit 0 on a good certificate, 1 on an edited one', async () => {
  const c = await cert({ simulated: true });
  const key = loadBenchKey(join(dir, 'clikey'));
  const out = join(dir, 'cli');
  const files = await writeReport(c, out, { key });
  const main = join(import.meta.dirname, '..', '..', 'host-cli', 'main.ts');
  const run = () => spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), main, 'bench', 'verify', out, '--key', join(dir, 'clikey', 'device-key.pub.pem')], { encoding: 'utf8', timeout: 60_000 });
  const good = run();
  assert.is(good.status, 0, good.stderr);
  assert.match(good.stdout, /VERIFIED/);
  writeFileSync(files.json, readFileSync(files.json, 'utf8').replace('"verdict": "pass"', '"verdict": "fail"'));
  const bad = run();
  assert.is(bad.status, 1, bad.stdout + bad.stderr);
  assert.match(bad.stdout, /NOT VERIFIED/);
});

test.run();
