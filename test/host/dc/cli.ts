// Shared by the dc CLI tests: run `amsgate`, and a temp collector store holding a data set's signed records.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyRing } from '../../../host-cli/collector/key-ring.js';
import { SqliteStore } from '../../../host-cli/collector/sqlite-store.js';
import { verifyMessage } from '../../../host-cli/collector/verify-message.js';
import type { SimDevice } from '../../../host-cli/collector/sim-device.js';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..', '..');

export function amsgate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'host-cli', 'main.ts'), ...args], { cwd: root }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A temp dir with a collector store at dir/c.sqlite; `add` ingests signed compacts of the sim's device. */
export async function tempCollector(sim: SimDevice): Promise<{ dir: string; path: string; add: (c: { topic: string; compact: string }[]) => Promise<void>; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-dc-cli-'));
  const path = join(dir, 'c.sqlite');
  const store = new SqliteStore(path);
  await store.init();
  await store.addKey({ device: sim.device, kid: sim.identity.kid, alg: sim.identity.alg, jwk: sim.identity.publicJwk, validFrom: 0, validTo: null, source: 'test', addedAt: 0 });
  await store.close();
  const add = async (compacts: { topic: string; compact: string }[]): Promise<void> => {
    const s = new SqliteStore(path);
    await s.init();
    const ring = KeyRing.from(await s.listKeys());
    await s.ingest(compacts.map((c) => verifyMessage(c.topic, c.compact, ring, 1)).flatMap((v) => (v.ok ? [v.record] : [])), []);
    await s.close();
  };
  return { dir, path, add, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
