// Impossible CT/VT ratios are refused with the field and what is expected: below 1, above 100 000, exponents and
// other forms that are not a plain decimal, whether the file is YAML or JSON, and however the number is typed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../drivers/errors.js';
import { loadConfig, parseConfig } from '../../../device/config/gateway-config.js';

const dir = mkdtempSync(join(tmpdir(), 'amsgate-ratio-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const meter = (compensation: string): string => `deviceId: gw1
meters:
  - id: m1
    model: sdm630
    connection: { tcp: "10.0.0.2:502" }
    serial: S1
    amsid: { import: "2000000000015" }
    role: charger
    phases: 3
    ratedVoltageV: 230
    ratedCurrentA: 5
    maxCurrentA: 6
    compensation: { ${compensation} }
`;

function refusal(file: string): string {
  try {
    loadConfig(file);
  } catch (err) {
    assert.instance(err, ConfigError);
    return (err as Error).message;
  }
  assert.unreachable(`${file} was accepted`);
  return '';
}

function yaml(name: string, compensation: string): string {
  const f = join(dir, `${name}.yaml`);
  writeFileSync(f, meter(compensation));
  return f;
}

test('a CT ratio below 1 is refused, naming the field and the upside-down reading', () => {
  const msg = refusal(yaml('below1', 'ctRatio: 0.025'));
  assert.match(msg, /meters\[0\]\.compensation\.ctRatio: is 0\.025, below 1: a CT steps its primary down, so primary\/secondary is at least 1;/);
  assert.match(msg, /0\.025 for 200\/5, is 40/);
  assert.match(refusal(yaml('vtbelow1', 'vtRatio: "0.5"')), /compensation\.vtRatio: is 0\.5, below 1: a VT/);
});

test('ratios above 100 000 are refused; 100 000 itself and 1 are accepted', () => {
  assert.match(refusal(yaml('above', 'ctRatio: 100000.5')), /compensation\.ctRatio: is 100000\.5, above 100000: no metering CT has that ratio/);
  assert.match(refusal(yaml('vtabove', 'vtRatio: "250000"')), /compensation\.vtRatio: is 250000, above 100000/);
  assert.is(loadConfig(yaml('max', 'ctRatio: 100000, vtRatio: 1')).meters[0]!.compensation.ctRatio, '100000');
});

test('exponents are refused in YAML and JSON, even when they denote a plausible value', () => {
  assert.match(refusal(yaml('exp', 'ctRatio: 1e5')), /compensation\.ctRatio: "1e5" is not a plain decimal \(exponents are not accepted: write every digit\)/);
  assert.match(refusal(yaml('exp2', 'ctRatio: 4.0E+1')), /"4\.0E\+1" is not a plain decimal/);
  const json = join(dir, 'exp.json');
  writeFileSync(json, JSON.stringify({ deviceId: 'gw1', meters: [{ id: 'm1', model: 'sdm630', connection: { tcp: '10.0.0.2:502' }, serial: 'S1', amsid: { import: '2000000000015' }, role: 'charger', phases: 3, ratedVoltageV: 230, ratedCurrentA: 5, maxCurrentA: 6, compensation: { ctRatio: 0 } }] }).replace('"ctRatio":0', '"ctRatio":4e1'));
  assert.match(refusal(json), /compensation\.ctRatio: "4e1" is not a plain decimal/);
  assert.match(refusal(yaml('hex', 'ctRatio: 0x28')), /"0x28" is not a plain decimal/);
  assert.match(refusal(yaml('plus', 'ctRatio: "+40"')), /"\+40" is not a plain decimal \(no sign\)/);
});

test('a decimal typed as a YAML number keeps every digit as written', () => {
  const c = loadConfig(yaml('digits', 'ctRatio: 40.000000000000001, lossMultiplier: 1.0200')).meters[0]!.compensation;
  assert.is(c.ctRatio, '40.000000000000001');
  assert.is(c.lossMultiplier, '1.0200');
});

test('programmatic numbers: one that JavaScript prints with an exponent is refused', () => {
  try {
    parseConfig({ deviceId: 'gw1', meters: [{ id: 'm1', model: 'sdm630', connection: { tcp: '10.0.0.2:502' }, serial: 'S1', amsid: { import: '2000000000015' }, role: 'charger', phases: 3, ratedVoltageV: 230, ratedCurrentA: 5, maxCurrentA: 6, compensation: { ctRatio: 1e21 } }] }, undefined, { checkFiles: false });
    assert.unreachable('accepted');
  } catch (err) {
    assert.match((err as Error).message, /"1e\+21" is not a plain decimal/);
  }
});

test.run();
