// Rows into PostgreSQL with COPY ... FROM STDIN, text format (PostgreSQL manual, COPY, "Text Format"), through
// pg-copy-streams: the server parses tab-separated lines instead of one array literal per column (INSERT ... unnest).
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export type CopyValue = string | number | null;

const SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One field: \N for NULL; backslash, tab, newline and carriage return as their backslash escapes. */
export function copyField(v: CopyValue): string {
  if (v === null) return '\\N';
  const s = typeof v === 'number' ? String(v) : v;
  return SPECIAL.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : s;
}

/** One row: its fields, tab-separated, and a newline. */
export function copyLine(values: readonly CopyValue[]): string {
  let line = copyField(values[0] ?? null);
  for (let i = 1; i < values.length; i++) line += `\t${copyField(values[i]!)}`;
  return `${line}\n`;
}

/** COPY `rows` into `table` (`columns` in order) on client `c`; resolves after the server has taken them all. */
export async function copyRows<T>(c: pg.PoolClient, table: string, columns: readonly string[], rows: readonly T[], toValues: (r: T) => readonly CopyValue[]): Promise<void> {
  const CHUNK = 500; // rows per write: few stream calls, no single giant string
  function* chunks(): Generator<string> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      let s = '';
      for (let j = i; j < Math.min(i + CHUNK, rows.length); j++) s += copyLine(toValues(rows[j]!));
      yield s;
    }
  }
  await pipeline(Readable.from(chunks(), { objectMode: false }), c.query(copyFrom(`COPY ${table} (${columns.join(',')}) FROM STDIN`)));
}
