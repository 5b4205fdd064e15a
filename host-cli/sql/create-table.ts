// CREATE TABLE / CREATE INDEX statements from a compact column list, so that the collector's and the data
// collector's tables are each written once, in one notation, portable between SQLite and PostgreSQL.
//
// Columns: "name [type][?] [pk]", comma-separated. type: text (default), int (INTEGER), bigint (BIGINT), serial (an
// auto-incrementing integer primary key of the dialect); "?" = nullable (default NOT NULL); pk = PRIMARY KEY (no NOT
// NULL added). E.g. "id pk, device, seq bigint, reason?".
export type Dialect = 'sqlite' | 'postgres';

const TYPES: Readonly<Record<string, string>> = { text: 'TEXT', int: 'INTEGER', bigint: 'BIGINT' };
const SERIAL: Readonly<Record<Dialect, string>> = { sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT', postgres: 'BIGSERIAL PRIMARY KEY' };

function columnSql(spec: string, dialect: Dialect): string {
  const m = /^([a-z_][a-z0-9_]*)(?: (text|int|bigint|serial)(\?)?)?(\?)?( pk)?$/.exec(spec.trim());
  if (!m) throw new Error(`column "${spec}": expected "name [text|int|bigint|serial][?] [pk]"`);
  const [, name, type = 'text', typeNullable, bareNullable, pk] = m;
  if (type === 'serial') return `${name} ${SERIAL[dialect]}`;
  const sqlType = TYPES[type]!;
  if (pk) return `${name} ${sqlType} PRIMARY KEY`;
  return `${name} ${sqlType}${typeNullable || bareNullable ? '' : ' NOT NULL'}`;
}

/** `CREATE TABLE IF NOT EXISTS` with the columns in the order given, then the table constraints. */
export function createTable(name: string, columns: string, constraints: string[] = [], dialect: Dialect = 'sqlite'): string {
  const lines = [...columns.split(',').map((c) => columnSql(c, dialect)), ...constraints];
  return `CREATE TABLE IF NOT EXISTS ${name} (\n  ${lines.join(',\n  ')}\n)`;
}

export const createIndex = (name: string, table: string, columns: string): string => `CREATE INDEX IF NOT EXISTS ${name} ON ${table} (${columns})`;
