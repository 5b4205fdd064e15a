// A damaged store: gateway.db replaced by garbage, cut short, or with its header overwritten. `amsgate run` must
// refuse it with exit 2 (a problem of the installation, not a bug), name the file and say how to recover, and
// leave everything as it found it: the damaged file byte for byte (it is the evidence and the salvage source) and
// no file created or removed in the store folder.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayStore } from '../../../device/store/gateway-store.js';
import { runCli, setLogDir } from '../e2e/harness.js';
import { writeConfig } from './campaign-helpers.js';

/** A real store with enough rows to span many pages, closed cleanly. */
function realStore(file: string): void {
  const s = GatewayStore.open(file);
  s.transaction(() => {
    for (let i = 0; i < 5000; i++) s.insertReading({ meter: 'charger', channel: 'import', at: 1_772_323_200_000 + i * 60_000, raw: BigInt(1_234_567 + i * 100), extended: BigInt(1_234_567 + i * 100), whPerCount: '1', source: 'periodic', event: 'none' });
  });
  s.close();
}

const damages: Record<string, (file: string) => void> = {
  garbage: (f) => writeFileSync(f, randomBytes(64 * 1024)),
  truncated: (f) => {
    realStore(f);
    truncateSync(f, Math.floor(statSync(f).size / 3));
  },
  'overwritten header': (f) => {
    realStore(f);
    const fd = openSync(f, 'r+');
    writeSync(fd, randomBytes(100), 0, 100, 0);
    closeSync(fd);
  },
};

// The harness is shared within one uvu process: an earlier file may have left its log folder set (and removed).
test.before(() => setLogDir(null));

for (const [name, damage] of Object.entries(damages)) {
  test(`run refuses a ${name} gateway.db: exit 2, the path, recovery steps, nothing touched`, async () => {
    const t0 = Date.now();
    const dir = mkdtempSync(join(tmpdir(), 'amsgate-corrupt-'));
    try {
      // A meter port nothing listens on: the store is opened before any meter.
      const config = writeConfig(dir, `corrupt-${process.pid}`, 9);
      const data = join(dir, 'data');
      const file = join(data, 'gateway.db');
      mkdirSync(data);
      damage(file);
      const bytes = readFileSync(file);
      const filesBefore = readdirSync(data).sort();
      const r = await runCli(['run', '--config', config], 30_000);
      const out = r.stdout + r.stderr;
      console.log(`corrupt-store (${name}): exit ${r.code} in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${r.stderr.trim().split('\n')[0]?.slice(0, 160)}`);
      assert.is(r.code, 2, `exit ${r.code ?? r.signal}, expected 2\n${out.slice(-2000)}`);
      assert.ok(out.includes(file), `the message names ${file}:\n${out}`);
      assert.match(out, /To recover:/);
      assert.match(out, /docs\/gateway-operation\.md/);
      assert.not.match(out, /at .*\.ts:\d+/, 'no stack trace for an installation problem');
      assert.ok(readFileSync(file).equals(bytes), 'the damaged file is left byte for byte');
      assert.equal(readdirSync(data).sort(), filesBefore, 'no file created or removed in the store folder');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
