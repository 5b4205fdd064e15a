// A store folder that can be filled up and freed again: a 24 MiB tmpfs filled with a file where the machine allows
// mounting (a real full file system), else SQLite's max_page_count on the gateway's connection
// (AMSGATE_TEST_STORE_MAX_PAGES, gateway-child.ts) with the file grown from the test's own connection.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

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

/** Fills the file system holding `file` until ENOSPC. */
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

export class FullDisk {
  readonly storePath: string;
  /** Environment for the gateway child (the page limit when no tmpfs could be mounted). */
  readonly env: Record<string, string>;
  private constructor(
    readonly mnt: string,
    readonly tmpfs: boolean,
  ) {
    this.storePath = join(mnt, 'data');
    this.env = tmpfs ? {} : { AMSGATE_TEST_STORE_MAX_PAGES: String(MAX_PAGES) };
  }

  static create(): FullDisk {
    const mnt = mkdtempSync(join(tmpdir(), 'amsgate-fullfs-'));
    return new FullDisk(mnt, tryMount(mnt));
  }

  get description(): string {
    return this.tmpfs ? 'a 24 MiB tmpfs filled with a file' : `SQLite max_page_count ${MAX_PAGES} (tmpfs not mountable here)`;
  }

  private get filler(): string {
    return join(this.mnt, 'filler');
  }

  fill(): void {
    if (this.tmpfs) return fillFs(this.filler);
    const db = new Database(join(this.storePath, 'gateway.db'));
    db.pragma('busy_timeout = 5000');
    db.exec('CREATE TABLE IF NOT EXISTS test_filler (b BLOB)');
    while (Number(db.pragma('page_count', { simple: true })) < MAX_PAGES + 10) db.prepare('INSERT INTO test_filler VALUES (?)').run(Buffer.alloc(64 * 1024));
    db.close();
  }

  free(): void {
    if (this.tmpfs) return unlinkSync(this.filler);
    const db = new Database(join(this.storePath, 'gateway.db'));
    db.pragma('busy_timeout = 5000');
    db.exec('DELETE FROM test_filler');
    db.close();
  }

  close(): void {
    if (this.tmpfs) execFileSync('umount', [this.mnt]);
    rmSync(this.mnt, { recursive: true, force: true });
  }
}
