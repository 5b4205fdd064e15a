// Every shipped Modbus meter model, validated once at load so that a wrong definition fails loudly.
import { ConfigError } from '../errors.js';
import { abbB23 } from './abb-b23.js';
import { em340 } from './em340.js';
import { validateModel, type MeterModel } from './model-schema.js';
import { sdm120 } from './sdm120.js';
import { sdm630 } from './sdm630.js';

export const meterModels: readonly MeterModel[] = [sdm630, sdm120, em340, abbB23].map(validateModel);

export function meterModel(id: string): MeterModel {
  const m = meterModels.find((x) => x.id === id);
  if (!m) throw new ConfigError('unknown-model', `unknown Modbus meter model "${id}"; known: ${meterModels.map((x) => x.id).join(', ')}`);
  return m;
}
