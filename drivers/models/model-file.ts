// A meter model as a file (YAML or JSON), checked by the same validateModel() as the built-in models, so that a
// meter can be added without writing code (docs/meter-models.md "Adding a meter").
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { createRequire } from 'node:module';
import { ConfigError } from '../errors.js';
import { validateModel, type MeterModel } from './model-schema.js';

/** Reads and validates a .yaml, .yml or .json model file; every error names the file and the field. */
export function loadModelFile(path: string): MeterModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError('model-file', `cannot read model file ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give the path of a .yaml or .json meter model`);
  }
  const ext = extname(path).toLowerCase();
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml') {
    throw new ConfigError('model-file', `model file ${path} has extension "${ext}"; expected .yaml, .yml or .json`);
  }
  let data: unknown;
  try {
    // YAML is loaded only for a model file: a gateway without one does not carry it in memory.
    data = ext === '.json' ? JSON.parse(text) : (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);
  } catch (e) {
    throw new ConfigError('model-file', `model file ${path} is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message}`);
  }
  try {
    return validateModel(data);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError('model-file', `model file ${path}: ${e.message}`, e.context);
    throw e;
  }
}
