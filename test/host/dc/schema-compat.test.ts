// The collector and data collector tables, written in the column notation of host-cli/sql/create-table.ts, are the
// tables already released (fixtures/store/released-schema-sqlite.json): existing stores stay compatible.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemaSql } from '../../../host-cli/collector/schema.js';
import { openSqliteDcDb } from '../../../host-cli/dc/dc-db.js';
import { createTable } from '../../../host-cli/sql/create-table.js';

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'fixtures', 'store', 'released-schema-sqlite.json'), 'utf8')) as { tables: Record<string, unknown> };

interface Col { name: string; type: string; notnull: number; pk: number }
interface Idx { name: string; unique: number; origin: string }

function describe(path: string): Record<string, { columns: string[]; indexes: string[] }> {
  const db = new Database(path, { readonly: true });
  try {
    const out: Record<string, { columns: string[]; indexes: string[] }> = {};
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]) {
      const columns = (db.prepare(`PRAGMA table_xinfo(${name})`).all() as Col[]).map((c) => `${c.name} ${c.type}${c.notnull ? ' NOT NULL' : ''}${c.pk ? ` pk${c.pk}` : ''}`);
      const indexes = (db.prepare(`PRAGMA index_list(${name})`).all() as Idx[])
        .map((i) => `${i.name} ${i.unique ? 'unique' : 'index'} ${i.origin}: ${(db.prepare(`PRAGMA index_info(${i.name})`).all() as { name: string }[]).map((c) => c.name).join(',')}`)
        .sort();
      out[name] = { columns, indexes };
    }
    return out;
  } finally {
    db.close();
  }
}

test('a new store has exactly the released tables, columns, types, keys and indexes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-schema-'));
  try {
    const path = join(dir, 's.sqlite');
    const db = new Database(path);
    for (const s of schemaSql('sqlite')) db.exec(s);
    db.close();
    (await openSqliteDcDb(path)).close();
    // Opening again applies nothing twice.
    const again = await openSqliteDcDb(path);
    assert.equal((await again.all<{ n: number }>('SELECT count(*) AS n FROM dc_schema_version'))[0]!.n, 4);
    await again.close();
    const got = describe(path);
    assert.equal(got, fixture.tables);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('column notation: text NOT NULL by default, ? nullable, pk, serial per dialect; a bad column is named', () => {
  assert.is(createTable('t', 'a pk, b, c bigint?, d int, e?'), 'CREATE TABLE IF NOT EXISTS t (\n  a TEXT PRIMARY KEY,\n  b TEXT NOT NULL,\n  c BIGINT,\n  d INTEGER NOT NULL,\n  e TEXT\n)');
  assert.is(createTable('t', 'id serial', [], 'postgres'), 'CREATE TABLE IF NOT EXISTS t (\n  id BIGSERIAL PRIMARY KEY\n)');
  assert.is(createTable('t', 'id serial', ['UNIQUE (id)']), 'CREATE TABLE IF NOT EXISTS t (\n  id INTEGER PRIMARY KEY AUTOINCREMENT,\n  UNIQUE (id)\n)');
  assert.throws(() => createTable('t', 'a float'), /column "a float": expected "name \[text\|int\|bigint\|serial\]\[\?\] \[pk\]"/);
});

test.run();
