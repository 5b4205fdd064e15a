// Full disk with a SIGKILL in the middle: the store's file system fills up for 70 minutes of simulated time, the
// gateway is killed and restarted while it is full, then space returns. Every record and period must arrive and
// the energy must equal the simulator's advance exactly; storage-write-failed records the span.
// Where the machine allows it the store lives on a 24 MiB tmpfs filled with a file (a real full file system);
// elsewhere SQLite's max_page_count on the gateway's connection stands in (AMSGATE_TEST_STORE_MAX_PAGES,
// gateway-child.ts), with the file filled from the test's own connection. The run prints which.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { exited } from './campaign-helpers.js';
import { Scenario } from './fault-scenario.js';

const MIN = 60_000;
const MAX_PAGES = 3000;

function tryMount(dir: string): boolean {
  if (process.env.AMSGATE_TEST_NO_MOUNT) return false; // exercises the fallback
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Fills the file system holding `dir` until ENOSPC. */
function fillFs(file: string): void {
  const fd = openSync(file, 'w');
  try {
    for (let size = 1 << 20; size >= 512; size >>= 1) {
      const buf = Buffer.alloc(size, 1);
      for (;;) {
        try {
          writeSync(fd, buf);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Grows the store file from another connection up to the gateway's page limit. */
function fillPages(dbFile: string): void {
  const db = new Database(dbFile);
  db.pragma('busy_timeout = 5000');
  db.exec('CREATE TABLE IF NOT EXISTS test_filler (b BLOB)');
  while (Number(db.pragma('page_count', { simple: true })) < MAX_PAGES + 10) db.prepare('INSERT INTO test_filler VALUES (?)').run(Buffer.alloc(64 * 1024));
  db.close();
}

test('70 minutes of full disk with a SIGKILL while full: nothing lost, storage-write-failed recorded', async () => {
  const mnt = mkdtempSync(join(tmpdir(), 'amsgate-fullfs-'));
  const tmpfs = tryMount(mnt);
  const env: Record<string, string> = tmpfs ? {} : { AMSGATE_TEST_STORE_MAX_PAGES: String(MAX_PAGES) };
  console.log(`disk-full: store on ${tmpfs ? 'a 24 MiB tmpfs filled with a file' : `SQLite max_page_count ${MAX_PAGES} (tmpfs not mountable here)`}`);
  const s = await Scenario.start('diskfull', 300, { storePath: join(mnt, 'data') });
  const dbFile = join(mnt, 'data', 'gateway.db');
  const filler = join(mnt, 'filler');
  try {
    let gw = s.spawn(env);
    await s.firstReading(gw);
    s.load(true);
    await s.simWait(40 * MIN);
    if (tmpfs) fillFs(filler);
    else fillPages(dbFile);
    await s.simWait(35 * MIN);
    gw.kill('SIGKILL');
    await exited(gw);
    gw = s.spawn(env);
    await s.simWait(35 * MIN);
    if (tmpfs) unlinkSync(filler);
    else {
      const db = new Database(dbFile);
      db.pragma('busy_timeout = 5000');
      db.exec('DELETE FROM test_filler');
      db.close();
    }
    await s.simWait(40 * MIN);
    await s.finish(gw);
    const alarms = s.head.received.map((r) => (r.payload.type === 'alarm' ? `${r.payload.alarm}:${r.payload.state}` : ''));
    assert.ok(alarms.includes('storage-write-failed:raised'), `writes never failed: ${alarms.filter(Boolean).join(',')}\n${s.log}`);
  } finally {
    await s.close();
    if (tmpfs) execFileSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  }
});

test.run();
