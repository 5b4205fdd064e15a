// Model files: refused with the file and the field named; a built-in id cannot be redefined; a configuration
// naming a bad model file lists that problem with the meter's path.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { catalogEntry, catalogEntryFromFile } from '../../../drivers/catalog.js';
import { ConfigError } from '../../../drivers/errors.js';
import { meterModel } from '../../../drivers/models/meter-models.js';
import { loadModelFile } from '../../../drivers/models/model-file.js';
import { demoConfig, parseConfig } from '../../../device/config/gateway-config.js';

const dir = mkdtempSync(join(tmpdir(), 'amsgate-model-file-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const sdm120As = (id: string) => ({ ...structuredClone(meterModel('sdm120')), id });

function throwsConfig(fn: () => unknown, re: RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable('accepted');
}

test('a JSON or YAML file with a valid model loads and becomes a catalog entry', () => {
  const json = write('acme-1.json', JSON.stringify(sdm120As('acme-1')));
  assert.is(loadModelFile(json).id, 'acme-1');
  const yaml = write('acme-2.yaml', stringify(sdm120As('acme-2')));
  const e = catalogEntryFromFile(yaml);
  assert.is(e.id, 'acme-2');
  assert.is(catalogEntry('acme-2'), e);
  assert.equal(e.defaultLine, meterModel('sdm120').defaultLine);
});

test('bad files are refused naming the file and the field', () => {
  throwsConfig(() => loadModelFile(join(dir, 'missing.yaml')), /cannot read model file .*missing\.yaml \(ENOENT\)/);
  throwsConfig(() => loadModelFile(write('x.txt', '{}')), /extension "\.txt"; expected \.yaml/);
  throwsConfig(() => loadModelFile(write('bad.yaml', 'id: [unclosed')), /bad\.yaml is not valid YAML/);
  const noEnergy = sdm120As('acme-3');
  noEnergy.registers = noEnergy.registers.filter((r) => !r.energy);
  throwsConfig(() => loadModelFile(write('acme-3.yaml', stringify(noEnergy))), /acme-3\.yaml: model acme-3\.registers: has no energy register/);
  throwsConfig(() => loadModelFile(write('typo.yaml', stringify({ ...sdm120As('acme-4'), regsiters: [] }))), /typo\.yaml: model acme-4\.regsiters: is not a field/);
});

test('a file cannot redefine a built-in model, nor another file\'s id', () => {
  throwsConfig(() => catalogEntryFromFile(write('sdm120.yaml', stringify(sdm120As('sdm120')))), /id "sdm120" is a built-in model/);
  catalogEntryFromFile(write('acme-5.yaml', stringify(sdm120As('acme-5'))));
  throwsConfig(() => catalogEntryFromFile(write('acme-5-copy.yaml', stringify(sdm120As('acme-5')))), /id "acme-5" is already defined by .*acme-5\.yaml/);
});

test('configuration: modelFile sets the model; a bad file and a disagreeing model are reported per meter', () => {
  const base = demoConfig(join(dir, 'data'));
  const meter = { ...base.meters[0]!, phases: 1, model: undefined as string | undefined, modelFile: 'acme-6.yaml' };
  write('acme-6.yaml', stringify(sdm120As('acme-6')));
  const input = (m: object) => ({ deviceId: base.deviceId, meters: [m] });
  const cfg = parseConfig(input(meter), undefined, { baseDir: dir });
  assert.is(cfg.meters[0]!.model, 'acme-6');
  assert.is(cfg.meters[0]!.modelFile, join(dir, 'acme-6.yaml'));
  throwsConfig(() => parseConfig(input({ ...meter, phases: 3 }), undefined, { baseDir: dir }), /meters\[0\]\.phases: is 3 but a acme-6 is a 1-phase meter/);
  throwsConfig(() => parseConfig(input({ ...meter, model: 'sdm630' }), undefined, { baseDir: dir }), /meters\[0\]\.model: is "sdm630" but acme-6\.yaml defines model "acme-6"/);
  throwsConfig(() => parseConfig(input({ ...meter, modelFile: 'nope.yaml' }), undefined, { baseDir: dir }), /meters\[0\]\.modelFile: cannot read model file/);
  const { model: _m, modelFile: _f, ...neither } = meter;
  throwsConfig(() => parseConfig(input(neither), undefined, { baseDir: dir }), /meters\[0\]\.model: is missing; name a model \(sdm630, .*\) or give modelFile/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
