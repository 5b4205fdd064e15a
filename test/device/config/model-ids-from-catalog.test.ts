// Issue 8: "the built-in catalog is the one list of models (no second, hand-written list of model ids anywhere, e.g.
// the one in device/config/config-schema.ts)". The configuration takes its model ids from drivers/catalog.ts: the
// schema accepts any id (a model file's id included), the check refers to the catalog and its refusal lists exactly
// the catalog's ids. A hand-written enum or list in the schema fails here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { catalog } from '../../../drivers/catalog.js';
import { ConfigError } from '../../../drivers/errors.js';
import { meterSchema } from '../../../device/config/config-schema.js';
import { parseConfig } from '../../../device/config/gateway-config.js';

const meter = (model: string) => ({
  id: 'm1', model, connection: { tcp: '10.0.0.2:502' }, serial: 'S1', amsid: { import: '2000000000015' }, role: 'charger',
  phases: 3, ratedVoltageV: 230, ratedCurrentA: 5, maxCurrentA: 100,
});

test('config-schema.ts names no model id: the schema takes any string, model files included', () => {
  const source = readFileSync(new URL('../../../device/config/config-schema.ts', import.meta.url), 'utf8');
  for (const id of catalog.keys()) {
    assert.not.ok(new RegExp(`['"\`]${id}['"\`]`).test(source), `config-schema.ts spells the model id "${id}"`);
  }
  for (const id of [...catalog.keys(), 'my-meter-from-a-file']) assert.ok(meterSchema.shape.model.safeParse(id).success, id);
});

test('an unknown model is refused listing exactly the catalog\'s ids, in its order', () => {
  try {
    parseConfig({ deviceId: 'gw1', meters: [meter('sdm999')] });
  } catch (e) {
    assert.instance(e, ConfigError);
    const problems = ((e as ConfigError).context.problems as string[]) ?? [];
    const line = problems.find((p) => p.startsWith('meters[0].model:'));
    assert.is(line, `meters[0].model: unknown model "sdm999"; use one of ${[...catalog.keys()].join(', ')}`);
    return;
  }
  assert.unreachable('sdm999 was accepted');
});

test('every Modbus catalog model is accepted by the configuration under its catalog id', () => {
  for (const [id, entry] of catalog) {
    if (entry.transport !== 'modbus') continue; // UART chips and IEC meters need a serial line and their own phases
    const cfg = parseConfig({ deviceId: 'gw1', meters: [{ ...meter(id), phases: entry.phases }] });
    assert.is(cfg.meters[0]!.model, id);
  }
});

test.run();
