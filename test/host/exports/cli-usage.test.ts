// A mistyped --db, an unknown --device and a reversed range are usage errors (exit 2), never an empty export.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyRing } from '../../../host-cli/collector/key-ring.js';
import { verifyMessage } from '../../../host-cli/collector/verify-message.js';
import { tempSqlite } from '../collector/helpers.js';
import { dayRecords } from './dataset.js';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..', '..');

function amsgate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'host-cli', 'main.ts'), ...args], { cwd: root }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('export: missing --db file, unknown --device, --from after --to -> exit 2 naming the problem', async () => {
  const { store, path, cleanup } = await tempSqlite();
  try {
    const { compacts, sim } = dayRecords('gw1', ['2026-06-01']);
    const jwk = sim.identity.publicJwk;
    await store.addKey({ device: 'gw1', kid: sim.identity.kid, alg: 'EdDSA', jwk, validFrom: 0, validTo: null, source: 'test', addedAt: 0 });
    const ring = KeyRing.from(await store.listKeys());
    const recs = compacts.map((c) => verifyMessage(c.topic, c.compact, ring, 1)).flatMap((v) => (v.ok ? [v.record] : []));
    await store.ingest(recs, []);
    await store.close();
    const map = join(path, '..', 'eic.json');
    writeFileSync(map, JSON.stringify({ gw1: '38ZEE-00000001-Q' }));
    const base = ['export', 'elering', '--meter-map', map, '--resolution', 'PT1H'];

    const ok = await amsgate([...base, '--db', path, '--device', 'gw1', '--from', '2026-06-01', '--to', '2026-06-02']);
    assert.is(ok.code, 0, ok.stderr);
    assert.is((JSON.parse(ok.stdout) as { body: { periods: { aI: unknown[] }[] } }[])[0]!.body.periods[0]!.aI.length, 23); // the BST day starts 23:00Z the day before

    const [noDb, noDev, reversed] = await Promise.all([
      amsgate([...base, '--db', `${path}.typo`]),
      amsgate([...base, '--db', path, '--device', 'gw2']),
      amsgate([...base, '--db', path, '--from', '2026-06-02', '--to', '2026-06-01']),
    ]);
    assert.is(noDb.code, 2, noDb.stderr);
    assert.match(noDb.stderr, /c\.sqlite\.typo: no such file/);
    assert.is(noDev.code, 2, noDev.stderr);
    assert.match(noDev.stderr, /--device gw2 is not known.*known devices: gw1/);
    assert.is(reversed.code, 2, reversed.stderr);
    assert.match(reversed.stderr, /is not before --to/);
    for (const r of [noDb, noDev, reversed]) assert.is(r.stdout, '');
  } finally {
    await cleanup();
  }
});

test.run();
