// A damaged gateway.db (garbage, truncated, zeroed after the header) is an installation problem: `status` and `run`
// exit 2 naming the file and the recovery, not 4 with SQLite's bare "file is not a database".
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayStore } from '../../device/store/gateway-store.js';
import { register as registerStatus } from '../../host-cli/commands/status.js';
import { register as registerRun } from '../../host-cli/commands/run.js';
import { runInProcess } from '../helpers/in-process-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'amsgate-corrupt-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** Store folders whose gateway.db is damaged in the ways a site produces. */
function damaged(): Record<string, string> {
  const make = (name: string, write: (db: string) => void): string => {
    const d = mkdtempSync(join(dir, `${name}-`));
    write(join(d, 'gateway.db'));
    return d;
  };
  return {
    garbage: make('garbage', (db) => writeFileSync(db, 'not sqlite at all\n'.repeat(400))),
    truncated: make('truncated', (db) => {
      GatewayStore.open(db).close();
      truncateSync(db, 5000);
    }),
    zeroed: make('zeroed', (db) => {
      GatewayStore.open(db).close();
      const head = readFileSync(db).subarray(0, 100);
      writeFileSync(db, Buffer.concat([head, Buffer.alloc(8192)]));
    }),
  };
}

test('status on a damaged store exits 2 with the path and the recovery steps', async () => {
  for (const [kind, d] of Object.entries(damaged())) {
    const r = await runInProcess(registerStatus, ['status', '--data', d]);
    assert.is(r.code, 2, `${kind}: ${r.err}`);
    assert.ok(r.err.includes(join(d, 'gateway.db')), `${kind} names the file: ${r.err}`);
    assert.match(r.err, /is not a readable SQLite database/, kind);
    assert.match(r.err, /move the file aside .*restore the store folder from a backup/, kind);
  }
});

test('run on a damaged store exits 2 before polling anything', async () => {
  const d = damaged().garbage;
  const config = join(dir, 'gateway.json');
  writeFileSync(config, JSON.stringify({
    deviceId: 'gw-corrupt',
    meters: [{ id: 'm1', model: 'sdm630', connection: { tcp: '127.0.0.1:1' }, unit: 1, serial: '1', amsid: { import: '2000000000015' }, role: 'charger', phases: 3, ratedVoltageV: 230, ratedCurrentA: 5, maxCurrentA: 100 }],
    broker: { url: 'mqtt://127.0.0.1:1' },
    storePath: d,
  }));
  const r = await runInProcess(registerRun, ['run', '--config', config]);
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /gateway\.db is not a readable SQLite database/);
});

test.run();
