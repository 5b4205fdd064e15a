// A device's key is valid from its creation (or `devices add --from`), never from the end of commissioning: records
// the gateway signed while the installer was still working must be accepted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { register } from '../../../host-cli/commands/devices.js';
import { KeyRing } from '../../../host-cli/collector/key-ring.js';
import { newIdentity, SimDevice } from '../../../host-cli/collector/sim-device.js';
import { SqliteStore } from '../../../host-cli/collector/sqlite-store.js';
import { verifyMessage } from '../../../host-cli/collector/verify-message.js';
import { runInProcess } from '../../helpers/in-process-cli.js';
import { tempSqlite } from './helpers.js';

const COMMISSIONED = '2026-10-01T09:00:00.000Z';

async function commissioningFile(dir: string, name: string, extra: Record<string, unknown> = {}): Promise<{ file: string; sim: SimDevice }> {
  const id = newIdentity(name, 'ES256');
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ type: 'amsgate-commissioning', v: 1, deviceId: name, device: name, commissionedAt: COMMISSIONED, result: 'pass', kid: id.kid, publicJwk: id.publicJwk, ...extra }));
  return { file, sim: new SimDevice(id) };
}

test('devices add --commissioning: a record signed 10 minutes before commissioning ended is accepted', async () => {
  const { path, cleanup } = await tempSqlite();
  try {
    const { file, sim } = await commissioningFile(dirname(path), 'gw-c1');
    const r = await runInProcess(register, ['devices', 'add', '--db', path, '--commissioning', file, '--json']);
    assert.is(r.code, 0, r.err);
    const before = sim.alarm('test', new Date(Date.parse(COMMISSIONED) - 600_000).toISOString());
    const store = new SqliteStore(path);
    try {
      const v = verifyMessage('amsgate/v1/gw-c1/alarm', before.compact, KeyRing.from(await store.listKeys()), Date.now());
      assert.ok(v.ok, v.ok ? '' : `${v.rejection.reason}: ${v.rejection.detail}`);
    } finally {
      await store.close();
    }
  } finally {
    await cleanup();
  }
});

test('devices add --from is honoured, with --key and with --commissioning; keyCreatedAt is the default start', async () => {
  const { path, cleanup } = await tempSqlite();
  try {
    const dir = dirname(path);
    const a = await commissioningFile(dir, 'gw-c2');
    assert.is((await runInProcess(register, ['devices', 'add', '--db', path, '--commissioning', a.file, '--from', '2026-09-30'])).code, 0);
    const b = await commissioningFile(dir, 'gw-c3', { keyCreatedAt: '2026-09-15T12:00:00Z' });
    assert.is((await runInProcess(register, ['devices', 'add', '--db', path, '--commissioning', b.file])).code, 0);
    const jwk = join(dir, 'c4.jwk');
    writeFileSync(jwk, JSON.stringify(newIdentity('gw-c4', 'EdDSA').publicJwk));
    assert.is((await runInProcess(register, ['devices', 'add', '--db', path, '--device', 'gw-c4', '--key', jwk, '--from', '2026-08-01T06:00:00Z'])).code, 0);
    const r = await runInProcess(register, ['devices', 'list', '--db', path, '--json']);
    const keys = JSON.parse(r.out) as { device: string; validFrom: string }[];
    assert.equal(keys.map((k) => [k.device, k.validFrom]), [
      ['gw-c2', '2026-09-30T00:00:00.000Z'],
      ['gw-c3', '2026-09-15T12:00:00.000Z'],
      ['gw-c4', '2026-08-01T06:00:00.000Z'],
    ]);
    const bad = await runInProcess(register, ['devices', 'add', '--db', path, '--commissioning', join(dir, 'absent.json')]);
    assert.is(bad.code, 2);
    assert.match(bad.err, /cannot read commissioning record .*absent\.json/);
  } finally {
    await cleanup();
  }
});

test.run();
