// Tells a store that cannot take writes (full file system, SQLite page limit, I/O error) from a meter fault, and
// records it once writes succeed again: the alarm record itself needs space, so it is raised late, stamped with
// the time writes started failing. Nothing is lost meanwhile: memory stays at what the store holds, and the next
// sample counts the whole register advance from there. The failure is also kept in a FaultMarker, so that a process
// killed before space returns hands it to the next one.
import type { AlarmManager } from '../alarms/alarm-manager.js';
import type { FaultMarker } from '../store/fault-marker.js';

interface Fault {
  sinceMs: number;
  lastMs: number;
  code: string;
  message: string;
  failures: number;
}

/** better-sqlite3 throws SqliteError with an SQLite result code such as SQLITE_FULL or SQLITE_IOERR_WRITE. */
export function isStoreError(err: unknown): err is Error & { code: string } {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === 'string' && code.startsWith('SQLITE_');
}

export class StorageWatch {
  private fault: Fault | null;

  constructor(
    private readonly alarms: AlarmManager,
    private readonly marker: FaultMarker | null = null,
  ) {
    this.fault = marker?.read<Fault>() ?? null;
  }

  get failing(): boolean {
    return this.fault !== null;
  }

  /** A write failed. */
  failed(err: Error & { code: string }, nowMs: number): void {
    if (this.fault) {
      this.fault.lastMs = nowMs;
      this.fault.failures++;
    } else this.fault = { sinceMs: nowMs, lastMs: nowMs, code: err.code, message: err.message, failures: 1 };
    this.marker?.write(this.fault);
  }

  /**
   * A write committed: if writes had been failing, storage-write-failed is raised at the first failure and cleared
   * now (storage-limit, the free-space check, may be active as well; this one says writes were actually refused).
   */
  succeeded(nowMs: number): void {
    const f = this.fault;
    if (!f) return;
    try {
      this.alarms.pulse(
        'storage-write-failed',
        null,
        `store writes failed from ${new Date(f.sinceMs).toISOString()} to ${new Date(f.lastMs).toISOString()} ` +
          `(${f.failures} failed transactions, ${f.code}: ${f.message}); counting resumed from the stored state`,
        f.sinceMs,
        nowMs,
        nowMs,
      );
      this.fault = null;
      this.marker?.clear();
    } catch (err) {
      if (!isStoreError(err)) throw err;
    }
  }
}
