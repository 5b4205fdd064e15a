// Turns the text of a configuration file into a plain value. The exact-decimal fields (ratios, multipliers) are kept
// as the characters written: a YAML/JSON number would otherwise pass through a binary float, so that 1e5 would look
// like "100000" and 1.0000000000000001 like "1", and validation could not refuse or keep what the installer typed.
import { createRequire } from 'node:module';
import { EXACT_DECIMAL_FIELDS } from './config-schema.js';

/** Loaded when a file is parsed: a demo gateway (no file) does not carry the YAML library in memory. */
const yaml = (): typeof import('yaml') => createRequire(import.meta.url)('yaml') as typeof import('yaml');
const exact = new Set<string>(EXACT_DECIMAL_FIELDS);

export function parseConfigText(text: string, format: 'json' | 'yaml'): unknown {
  // JSON.parse gives JSON's own syntax errors; YAML 1.2 reads any JSON, which gives the source text of each number.
  const plain: unknown = format === 'json' ? JSON.parse(text) : undefined;
  const { isPair, isScalar, parseDocument, visit } = yaml();
  const doc = parseDocument(text);
  if (doc.errors.length) {
    if (format === 'json') return plain;
    throw doc.errors[0];
  }
  visit(doc, {
    Pair(_key, pair) {
      if (!isPair(pair) || !isScalar(pair.key) || !exact.has(String(pair.key.value))) return;
      const v = pair.value;
      if (isScalar(v) && typeof v.value === 'number' && v.source !== undefined) v.value = v.source;
    },
  });
  return doc.toJS();
}
