// A meter's model file is a key field: editing it (here: the import register's scale) is a key field change that asks
// for a proving test; reading the unchanged file again is not.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { meterModel } from '../../../drivers/models/meter-models.js';
import { demoConfig, keyFieldChanges, keyFieldsOf, parseConfig } from '../../../device/config/gateway-config.js';

const dir = mkdtempSync(join(tmpdir(), 'amsgate-model-key-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const model = (importScale: string) => {
  const m = { ...structuredClone(meterModel('sdm120')), id: 'acme-key' };
  m.registers = m.registers.map((r) => (r.quantity === 'energy_import' ? { ...r, scale: importScale } : r));
  return m;
};

function keysWith(file: string) {
  const base = demoConfig(join(dir, 'data'));
  const meter = { ...base.meters[0]!, phases: 1, model: undefined, modelFile: file };
  return keyFieldsOf(parseConfig({ deviceId: base.deviceId, meters: [meter] }, undefined, { baseDir: dir }));
}

test('an edited model file changes the key field meter.<id>.modelFile; the unchanged file does not', () => {
  const path = join(dir, 'acme.yaml');
  writeFileSync(path, stringify(model('1')));
  const before = keysWith('acme.yaml');
  const id = Object.keys(before).find((k) => k.endsWith('.modelFile'))!;
  assert.ok(id, `a modelFile key field: ${Object.keys(before).join(', ')}`);
  assert.match(before[id]!, /^sha256:[0-9a-f]{64}$/);

  assert.equal(keyFieldChanges(before, keysWith('acme.yaml')), [], 'the same file again: no change');

  writeFileSync(path, stringify(model('10')));
  const after = keysWith('acme.yaml');
  const changes = keyFieldChanges(before, after);
  assert.is(changes.length, 1);
  assert.is(changes[0]![0], id);
  assert.ok(changes[0]![1] !== changes[0]![2]);
});

test('a meter without a model file has no modelFile key field', () => {
  const cfg = parseConfig(demoConfig(join(dir, 'data2')), undefined, { baseDir: dir });
  assert.ok(!Object.keys(keyFieldsOf(cfg)).some((k) => k.endsWith('.modelFile')));
});

test.run();
