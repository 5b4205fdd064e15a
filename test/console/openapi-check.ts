// A small structural check of values against the OpenAPI 3.1 schemas in docs/openapi-fleet.yaml: the keywords that
// file uses ($ref, type with "null", enum, properties, required, additionalProperties, items, oneOf, minimum,
// maximum, pattern, format date-time/date). Any other keyword fails loudly rather than being ignored.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Spec = any;
type Schema = Record<string, unknown>;

export const OPENAPI_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'openapi-fleet.yaml');

export function loadSpec(): Spec {
  return parse(readFileSync(OPENAPI_FILE, 'utf8'));
}

/** Follows a local "#/a/b" reference. */
export function deref<T = Schema>(spec: Spec, s: T): T {
  let out = s as Schema;
  while (out && typeof out.$ref === 'string') out = (out.$ref as string).slice(2).split('/').reduce((o: Spec, k) => o?.[k], spec);
  return out as T;
}

const KNOWN = new Set(['$ref', 'type', 'enum', 'properties', 'required', 'additionalProperties', 'items', 'oneOf', 'minimum', 'maximum', 'pattern', 'format', 'description', 'default']);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Every way `value` breaks `schema`, as "path: problem" lines; [] when it conforms. */
export function check(spec: Spec, schema0: Schema, value: unknown, path = '$'): string[] {
  const schema = deref(spec, schema0);
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) return [`${path}: schema keyword "${k}" is not supported by openapi-check.ts`];
  if (schema.oneOf) {
    const ok = (schema.oneOf as Schema[]).filter((s) => check(spec, s, value, path).length === 0).length;
    return ok === 1 ? [] : [`${path}: matches ${ok} of the oneOf schemas, not exactly one`];
  }
  const errs: string[] = [];
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    const t = typeOf(value);
    if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) return [`${path}: is ${t}, expected ${types.join(' | ')}`];
  }
  if (value === null) return errs;
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) errs.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern as string).test(value)) errs.push(`${path}: "${value}" does not match ${schema.pattern}`);
    if (schema.format === 'date-time' && !ISO.test(value)) errs.push(`${path}: "${value}" is not an ISO UTC date-time`);
    if (schema.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(value)) errs.push(`${path}: "${value}" is not a date`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) errs.push(`${path}: ${value} < ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) errs.push(`${path}: ${value} > ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => errs.push(...check(spec, schema.items as Schema, v, `${path}[${i}]`)));
  if (typeOf(value) === 'object') {
    const o = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) if (!(r in o)) errs.push(`${path}: required "${r}" is missing`);
    for (const [k, v] of Object.entries(o)) {
      if (props[k]) errs.push(...check(spec, props[k]!, v, `${path}.${k}`));
      else if (schema.additionalProperties === false) errs.push(`${path}: "${k}" is not in the schema`);
    }
  }
  return errs;
}
