// CPU seconds used by processes (Linux /proc), for the benches' per-component accounting.
import { readFileSync } from 'node:fs';
import pg from 'pg';

/** User + system CPU seconds a process has used so far; 0 when it is gone (or not on Linux). */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const hz = 100; // USER_HZ on Linux
    return (Number(f[11]) + Number(f[12])) / hz;
  } catch {
    return 0;
  }
}

/** The CPU seconds of this process itself. */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * PostgreSQL backends (same machine) whose application_name starts with `prefix`: CPU seconds per backend pid. A
 * backend that has exited is no longer listed, so sample before its client goes away.
 */
export async function pgBackendCpu(connectionString: string, prefix: string): Promise<Map<number, number>> {
  const c = new pg.Client({ connectionString, application_name: 'fleet-bench-probe' });
  await c.connect();
  try {
    const r = await c.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name LIKE $1`, [`${prefix}%`]);
    return new Map(r.rows.map((x) => [x.pid, cpuSeconds(x.pid)]));
  } finally {
    await c.end();
  }
}

/** Sessions of the database waiting for a lock, one line each (for the bench's watchdog); '' when none. */
export async function lockWaits(connectionString: string): Promise<string> {
  const c = new pg.Client({ connectionString, application_name: 'fleet-bench-probe' });
  await c.connect();
  try {
    const r = await c.query<{ s: string }>(
      `SELECT pid || ' ' || coalesce(application_name, '') || ' ' || wait_event || ': ' || left(query, 80) AS s FROM pg_stat_activity WHERE wait_event_type = 'Lock'`,
    );
    return r.rows.map((x) => x.s).join('; ');
  } finally {
    await c.end();
  }
}

/** Keeps the highest CPU figure seen per pid (a sample per phase; backends come and go). */
export class CpuLedger {
  private seen = new Map<number, number>();
  note(samples: Map<number, number>): void {
    for (const [pid, s] of samples) this.seen.set(pid, Math.max(this.seen.get(pid) ?? 0, s));
  }
  get total(): number {
    let n = 0;
    for (const s of this.seen.values()) n += s;
    return n;
  }
}
