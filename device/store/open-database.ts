// Opens the gateway's SQLite file: WAL, synchronous FULL (docs/gateway-operation.md says why), and the
// migrations up to SCHEMA_VERSION. A database written by a newer amsgate is refused rather than guessed at.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../../drivers/errors.js';
import { migrations, SCHEMA_VERSION, type Migration } from './migrations.js';

export interface OpenOptions {
  readonly?: boolean;
  /** Applied in place of the built-in list (tests of the migration machinery). */
  migrations?: readonly Migration[];
}

export function openDatabase(path: string, opts: OpenOptions = {}): Database.Database {
  if (path !== ':memory:' && !opts.readonly) mkdirSync(dirname(path), { recursive: true });
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
    if (!opts.readonly) {
      // Small pages: a transaction that touches a few rows rewrites a few KiB, not a few 4 KiB pages, in the WAL
      // (flash wear; bench/gateway-day.ts). Only takes effect on a new, empty file.
      db.pragma('page_size = 1024');
      db.pragma('journal_mode = WAL');
      // FULL: a committed interval or outbox row survives power loss, so a sequence number once published
      // is never reissued for different content.
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
    }
    db.pragma('busy_timeout = 5000');
    // 512 KiB of page cache instead of SQLite's 2 MiB: the gateway appends rows and reads a few recent ones, the OS
    // caches the file anyway, and on a small board the difference is resident memory (docs/gateway-operation.md).
    db.pragma('cache_size = -512');
    migrate(db, opts.migrations ?? migrations, path, opts.readonly ?? false);
    return db;
  } catch (err) {
    db?.close();
    throw unreadableStore(err, path);
  }
}

/**
 * A store SQLite cannot read (garbage, truncated, overwritten) is a problem of the installation, not a bug: the
 * error names the file and the recovery (docs/gateway-operation.md, Recovery), and exits 2 rather than 4. Also for
 * errors met after the open (a damaged data page behind an intact schema): other errors are returned unchanged.
 */
export function unreadableStore(err: unknown, path: string): unknown {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !(code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'))) return err;
  return new ConfigError(
    'store-unreadable',
    `store ${path} is not a readable SQLite database (${(err as Error).message}): it is damaged or not an amsgate store. ` +
      `To recover: stop the gateway; move the file aside with its -wal and -shm files (mv ${path} ${path}.damaged); ` +
      'restore the store folder from a backup, or start with no store (a new record chain from seq 1; records already ' +
      'delivered are at the head-end, undelivered ones can be salvaged from the damaged file with `sqlite3 FILE .recover`). ' +
      'See docs/gateway-operation.md, Recovery.',
    { path, sqlite: code },
  );
}

/**
 * Reads every page of an existing store (SQLite `PRAGMA quick_check`) and throws the unreadable-store error if one
 * is damaged. The open only reads the schema, so a damaged data page would otherwise surface at the first write, after
 * the gateway has started (measured: about 0.4 s for a 40 MB store on the test VM).
 */
export function checkStoreReadable(path: string): void {
  let db: Database.Database | undefined;
  try {
    // Not openDatabase: no migration, so a new or empty file is left for the gateway's own open to set up. Not
    // read-only either: a read-only connection leaves the -shm (and -wal) it creates, a writable one removes them when
    // it closes, so a refused store folder is left as it was found.
    db = new Database(path, { fileMustExist: true });
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    if (rows.length !== 1 || rows[0]!.quick_check !== 'ok') {
      const detail = rows.slice(0, 3).map((r) => r.quick_check).join('; ');
      throw Object.assign(new Error(`database disk image is malformed: ${detail}`), { code: 'SQLITE_CORRUPT' });
    }
  } catch (err) {
    throw unreadableStore(err, path);
  } finally {
    db?.close();
  }
}

function migrate(db: Database.Database, list: readonly Migration[], path: string, readonly: boolean): void {
  const latest = list.length ? list[list.length - 1]!.version : 0;
  const hasTable = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!hasTable) {
    if (readonly) throw new ConfigError('store-empty', `store ${path} has no amsgate schema; run the gateway once to create it`);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  }
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  const current = row.v ?? 0;
  if (current > latest) {
    throw new ConfigError(
      'store-too-new',
      `store ${path} has schema version ${current} but this amsgate knows versions up to ${latest}; ` +
        'upgrade amsgate (or restore a store written by this version) instead of opening it',
    );
  }
  if (readonly) return;
  for (const m of list) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
    })();
  }
}

export { SCHEMA_VERSION };
