// End to end through the store and the `amsgate` command: signed records -> verified -> SQLite -> export / gaps.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyRing } from '../../../host-cli/collector/key-ring.js';
import { verifyMessage } from '../../../host-cli/collector/verify-message.js';
import { tempSqlite } from '../collector/helpers.js';
import { dayRecords } from './dataset.js';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..', '..');

function amsgateOnce(args: string[]): Promise<{ code: number; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'host-cli', 'main.ts'), ...args], { cwd: root }, (err, stdout, stderr) => {
      const e = err as { code?: number; signal?: string } | null;
      resolve({ code: e ? Number(e.code ?? 1) : 0, signal: e?.signal ?? null, stdout, stderr });
    });
  });
}

/** Runs the command; once more if a signal from outside (the shared machine) ended it, since that says nothing about us. */
async function amsgate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await amsgateOnce(args);
  return r.signal ? amsgateOnce(args) : r;
}

test('devices add + stored records -> export dtc matches the golden body; gaps reported with exit 1', async () => {
  const { store, path, cleanup } = await tempSqlite();
  try {
    const { compacts, sim } = dayRecords('gw1', ['2026-10-25'], 'PT30M', { estimatedEvery: 7 });
    const pem = sim.identity.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const keyFile = join(path, '..', 'gw1.pub.pem');
    writeFileSync(keyFile, pem);
    await store.close();
    const add = await amsgate(['devices', 'add', '--db', path, '--device', 'gw1', '--key', keyFile, '--from', '2026-01-01']);
    assert.is(add.code, 0, add.stderr);
    const { SqliteStore } = await import('../../../host-cli/collector/sqlite-store.js');
    const s2 = new SqliteStore(path);
    const ring = KeyRing.from(await s2.listKeys());
    const verdicts = compacts.filter((c) => !c.compact.includes('never')).map((c) => verifyMessage(c.topic, c.compact, ring, 1));
    const recs = verdicts.flatMap((v) => (v.ok ? [v.record] : []));
    assert.is(recs.length, 100);
    // Leave out import period 10 (the 10th import record) to make a gap later.
    const gapId = recs.filter((r) => r.payload.type === 'interval' && r.payload.channel === 'import')[9]!.id;
    await s2.ingest(recs.filter((r) => r.id !== gapId), []);
    await s2.close();

    const gaps = await amsgate(['collect', '--db', path, '--gaps', '--json', '--to', '2026-10-26']);
    assert.is(gaps.code, 1);
    const g = JSON.parse(gaps.stdout) as { periods: { missing: number; channel: string }[] };
    assert.equal(g.periods.map((p) => [p.channel, p.missing]), [['import', 1]]);

    const refused = await amsgate(['export', 'dtc', '--db', path, '--from', '2026-10-25', '--to', '2026-10-26', '--from-mpid', 'AMSG', '--to-mpid', 'ELEX', '--file-id', '0000000042']);
    assert.is(refused.code, 1);
    assert.match(refused.stderr, /lacks period\(s\) 10/);

    const s3 = new SqliteStore(path);
    await s3.ingest(recs.filter((r) => r.id === gapId), []);
    await s3.close();
    const ok = await amsgate(['export', 'dtc', '--db', path, '--from', '2026-10-25', '--to', '2026-10-26', '--from-mpid', 'AMSG', '--to-mpid', 'ELEX', '--file-id', '0000000042']);
    assert.is(ok.code, 0, ok.stderr);
    const strip = (t: string): string => t.split('\n').filter((l) => !/^(ZHV|ZPT)\|/.test(l)).join('\n');
    assert.fixture(strip(ok.stdout), strip(readFileSync(join(root, 'fixtures', 'exports', 'dtc-2026-10-25.txt'), 'utf8')));
    const list = await amsgate(['devices', 'list', '--db', path, '--json']);
    assert.is((JSON.parse(list.stdout) as unknown[]).length, 1);
  } finally {
    await cleanup();
  }
});

test.run();
