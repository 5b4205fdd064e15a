// The recorded evidence (fixtures/calibration/evidence, made by record-evidence.sh): one signed certificate per
// mode, each verifying with the committed bench key, each saying SIMULATED, with the mode it claims to be.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyCertificateFiles } from '../../calibration/report/verify-files.js';

const ev = join(import.meta.dirname, '..', '..', 'fixtures', 'calibration', 'evidence');
const img = join(import.meta.dirname, '..', '..', 'docs', 'img', 'bench');
const key = createPublicKey(readFileSync(join(ev, 'bench-key.pub.pem')));

const MODES = [
  { mode: 'register-ac-1ph', method: 'Start-stop', supply: 'ac', phases: 1, verdict: 'fail' },
  { mode: 'register-dc-1ph', method: 'Start-stop', supply: 'dc', phases: 1, verdict: 'pass' },
  { mode: 'register-ac-3ph', method: 'Start-stop', supply: 'ac', phases: 3, verdict: 'pass' },
  { mode: 'pulse-ac-3ph', method: 'Pulse', supply: 'ac', phases: 3, verdict: 'pass' },
  { mode: 'pulse-dc-1ph', method: 'Pulse', supply: 'dc', phases: 1, verdict: 'pass' },
  { mode: 'register-ac-1ph-dialects', method: 'Start-stop', supply: 'ac', phases: 1, verdict: 'pass' },
] as const;

for (const m of MODES) {
  test(`evidence ${m.mode}: verifies, SIMULATED, ${m.method} ${m.supply} ${m.phases}-phase, ${m.verdict}, pages rendered`, () => {
    const dir = join(ev, m.mode);
    const out = verifyCertificateFiles(dir, key);
    assert.ok(out.ok, JSON.stringify(out.checks));
    const c = JSON.parse(readFileSync(join(dir, 'certificate.json'), 'utf8'));
    assert.is(c.simulated, true);
    assert.ok((c.method as string).startsWith(m.method), c.method);
    assert.equal([c.device.supply, c.device.phases, c.verdict], [m.supply, m.phases, m.verdict]);
    for (const page of [1, 3]) assert.ok(existsSync(join(img, `${m.mode}-page-${page}.png`)), `${m.mode} page ${page}`);
  });
}

test('the dialect evidence ran through the AC source, the phantom load and the WT300E-style reference', () => {
  const c = JSON.parse(readFileSync(join(ev, 'register-ac-1ph-dialects', 'certificate.json'), 'utf8'));
  assert.match(c.instruments.source, /^Keysight Technologies,AC6802B,.* \+ load /);
  assert.match(c.instruments.reference, /^YOKOGAWA,WT310E/);
});

test.run();
