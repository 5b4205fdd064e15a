// Issue 9, "a corrupt gateway.db exits 2 or 3 with the path and the recovery steps": corrupt-store.test.ts damages
// the file's head (garbage, truncated, zeroed), which the open finds. Here the schema page is intact and data pages
// are overwritten (a bad flash block): SQLite opens the file and fails only when a query reaches a damaged page.
// Before the fix `status` exited 4 with "database disk image is malformed" and `run` started, then failed every
// store write for ever ("store write failed (SQLITE_CORRUPT)") without issuing a period.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { cpSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../drivers/clock.js';
import { Gateway } from '../../device/runtime/gateway.js';
import { GatewayStore } from '../../device/store/gateway-store.js';
import { fromGateway } from '../../host-cli/commissioning/interval-source.js';
import { register as registerStatus } from '../../host-cli/commands/status.js';
import { register as registerRun } from '../../host-cli/commands/run.js';
import { runInProcess } from '../helpers/in-process-cli.js';
import { FakeMeter } from '../device/runtime/fake-meter.js';
import { faultConfig, root, run } from '../device/runtime/fault-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'amsgate-corrupt-pages-'));
test.after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 0, 5);
const RECOVERY = /move the file aside .*restore the store folder from a backup/;

/** A store written by a gateway over two hours, then the root pages of its data tables overwritten. */
async function damagedStore(): Promise<{ storePath: string; db: string; healthy: string; meterId: string }> {
  const cfg = faultConfig();
  const clock = new ManualClock(T0);
  const meter = new FakeMeter(clock);
  meter.powerW = 3000;
  const gw = new Gateway({ config: cfg, clock, openMeter: meter.opener(), brokerUrl: null });
  await gw.start();
  await run(clock, 2 * 3_600_000);
  await gw.stop();
  const healthy = join(dir, 'healthy');
  cpSync(cfg.storePath, healthy, { recursive: true });
  const db = join(cfg.storePath, 'gateway.db');
  const probe = new Database(db);
  probe.pragma('wal_checkpoint(TRUNCATE)');
  const pageSize = Number(probe.pragma('page_size', { simple: true }));
  const roots = (probe.prepare("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name IN ('intervals', 'outbox', 'readings')").all() as { rootpage: number }[]).map((r) => r.rootpage);
  probe.close();
  assert.is(roots.length, 3);
  const fd = openSync(db, 'r+');
  for (const p of roots) writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (p - 1) * pageSize);
  closeSync(fd);
  return { storePath: cfg.storePath, db, healthy, meterId: cfg.meters[0]!.id };
}

test('data pages damaged behind an intact schema: status, run and prove refuse the store naming it and the recovery', async () => {
  const { storePath, db, healthy, meterId } = await damagedStore();
  // The open alone does not see the damage (that is why the commands must look further).
  GatewayStore.open(db, { readonly: true }).close();

  const st = await runInProcess(registerStatus, ['status', '--data', storePath]);
  assert.is(st.code, 2, st.err);
  assert.ok(st.err.includes(db), `names the file: ${st.err}`);
  assert.match(st.err, /is not a readable SQLite database \(database disk image is malformed/);
  assert.match(st.err, RECOVERY);

  const config = join(dir, 'gateway.json');
  writeFileSync(config, JSON.stringify({
    deviceId: 'gw-corrupt-pages',
    meters: [{ id: 'm1', model: 'sdm630', connection: { tcp: '127.0.0.1:1' }, unit: 1, serial: '1', amsid: { import: '2000000000015' }, role: 'charger', phases: 3, ratedVoltageV: 230, ratedCurrentA: 5, maxCurrentA: 100 }],
    broker: { url: 'mqtt://127.0.0.1:1' },
    storePath,
  }));
  const r = await runInProcess(registerRun, ['run', '--config', config]);
  assert.is(r.code, 2, r.err);
  assert.ok(r.err.includes(db), r.err);
  assert.match(r.err, RECOVERY);
  assert.not.match(r.out, /store write failed/, 'refused before the gateway started');

  // prove's lookup in the gateway's own store.
  try {
    fromGateway(storePath, { device: 'gw', meter: meterId, channel: 'import', periodStartMs: T0 + 1_800_000 });
    assert.unreachable('a damaged intervals table was read');
  } catch (e) {
    assert.match((e as Error).message, new RegExp(`store ${db.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not a readable SQLite database`));
  }

  // The same store before the damage is read as before, by status and by prove's lookup.
  assert.ok(fromGateway(healthy, { device: 'gw', meter: meterId, channel: 'import', periodStartMs: T0 + 1_800_000 }), 'the period is in the healthy store');
  const ok = await runInProcess(registerStatus, ['status', '--data', healthy, '--json']);
  assert.is(ok.code, 0, ok.err);
  assert.ok(JSON.parse(ok.out).records > 0);
});

test.run();
