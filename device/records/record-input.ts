// Reading a batch of signed records from text: one JWS compact per line (blank lines and "#" comments
// skipped), or a JSON array of compact strings.
import { ConfigError } from '../../drivers/errors.js';

export function parseRecordText(text: string, source = 'input'): string[] {
  const t = text.trim();
  if (t.startsWith('[')) {
    let doc: unknown;
    try {
      doc = JSON.parse(t);
    } catch (err) {
      throw new ConfigError('bad-input', `${source} starts with "[" but is not JSON (${(err as Error).message}); expected a JSON array of JWS strings or one JWS per line`);
    }
    if (!Array.isArray(doc) || doc.some((x) => typeof x !== 'string')) {
      throw new ConfigError('bad-input', `${source} is a JSON value but not an array of strings; expected ["<jws>", ...]`);
    }
    return (doc as string[]).map((s) => s.trim());
  }
  return t
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
