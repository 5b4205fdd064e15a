// `amsgate run --config` keeps real time: a --start that would be ignored (or would shift every timestamp) is
// refused with exit 2 and the way to get what was meant.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from '../../host-cli/commands/run.js';
import { runInProcess } from '../helpers/in-process-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'amsgate-runopts-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('run --config --start without --speed is refused, naming --speed', async () => {
  const config = join(dir, 'gateway.json');
  writeFileSync(config, JSON.stringify({
    deviceId: 'gw-start',
    meters: [{ id: 'm1', model: 'sdm630', connection: { tcp: '127.0.0.1:1' }, unit: 1, serial: '1', amsid: { import: '2000000000015' }, role: 'charger', phases: 3, ratedVoltageV: 230, ratedCurrentA: 5, maxCurrentA: 100 }],
    broker: { url: 'mqtt://127.0.0.1:1' },
    storePath: join(dir, 'data'),
  }));
  const r = await runInProcess(register, ['run', '--config', config, '--start', '2026-06-01T00:00:00Z']);
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /--start applies to a simulated clock only: add --speed N/);
  const alsoAtOne = await runInProcess(register, ['run', '--config', config, '--start', '2026-06-01T00:00:00Z', '--speed', '1']);
  assert.is(alsoAtOne.code, 2);
});

test.run();
