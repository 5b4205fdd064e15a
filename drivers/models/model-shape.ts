// The shape of a meter model as data (a model file, or a built-in table): every field present with the right type,
// no unknown field (a typo such as "register" must not silently drop a map). validateModel() runs this first and
// then checks what the fields mean.
import { ConfigError } from '../errors.js';
import type { MeterModel } from './model-schema.js';

type Kind = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'scale';
interface FieldSpec {
  kind: Kind;
  optional?: boolean;
}

const MODEL_FIELDS: Record<string, FieldSpec> = {
  id: { kind: 'string' }, vendor: { kind: 'string' }, model: { kind: 'string' }, description: { kind: 'string' },
  functionCode: { kind: 'number' }, phases: { kind: 'number' }, maxRegistersPerRead: { kind: 'number' }, maxGap: { kind: 'number' },
  holes: { kind: 'array' }, notAvailableSentinels: { kind: 'boolean', optional: true }, defaultLine: { kind: 'object' },
  probe: { kind: 'array' }, registers: { kind: 'array' },
};
const LINE_FIELDS: Record<string, FieldSpec> = { baud: { kind: 'number' }, parity: { kind: 'string' }, dataBits: { kind: 'number' }, stopBits: { kind: 'number' } };
const HOLE_FIELDS: Record<string, FieldSpec> = { from: { kind: 'number' }, to: { kind: 'number' } };
const PROBE_FIELDS: Record<string, FieldSpec> = { quantity: { kind: 'string' }, min: { kind: 'number', optional: true }, max: { kind: 'number', optional: true } };
const REGISTER_FIELDS: Record<string, FieldSpec> = {
  quantity: { kind: 'string' }, address: { kind: 'number' }, type: { kind: 'string' }, wordOrder: { kind: 'string', optional: true },
  scale: { kind: 'scale' }, unit: { kind: 'string' }, energy: { kind: 'object', optional: true },
};
const ENERGY_FIELDS: Record<string, FieldSpec> = { direction: { kind: 'string' }, counterBits: { kind: 'number', optional: true } };

function kindOf(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

function fail(field: string, message: string): never {
  throw new ConfigError('model', `${field}: ${message}`, { field });
}

function checkObject(v: unknown, at: string, spec: Record<string, FieldSpec>): Record<string, unknown> {
  if (kindOf(v) !== 'object') fail(at, `is ${kindOf(v)}; expected an object with ${Object.keys(spec).join(', ')}`);
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!(k in spec)) fail(`${at}.${k}`, `is not a field of this object; expected one of ${Object.keys(spec).join(', ')}`);
  }
  for (const [k, s] of Object.entries(spec)) {
    const val = o[k];
    if (val === undefined) {
      if (!s.optional) fail(`${at}.${k}`, 'is missing');
      continue;
    }
    const kind = kindOf(val);
    // counterBits may be null (a counter that does not wrap).
    if (k === 'counterBits' && val === null) continue;
    const ok = s.kind === 'scale' ? kind === 'string' || kind === 'object' : kind === s.kind;
    if (!ok) fail(`${at}.${k}`, `is ${kind}; expected ${s.kind === 'scale' ? 'a decimal string or { divideBy: N }' : `a ${s.kind}`}`);
  }
  return o;
}

/** Throws ConfigError naming the first field that is missing, unknown or of the wrong type. */
export function checkModelShape(x: unknown): asserts x is MeterModel {
  const id = kindOf(x) === 'object' && typeof (x as { id?: unknown }).id === 'string' ? (x as { id: string }).id : '(no id)';
  const f = `model ${id}`;
  const m = checkObject(x, f, MODEL_FIELDS);
  checkObject(m.defaultLine, `${f}.defaultLine`, LINE_FIELDS);
  (m.holes as unknown[]).forEach((h, i) => checkObject(h, `${f}.holes[${i}]`, HOLE_FIELDS));
  (m.probe as unknown[]).forEach((p, i) => checkObject(p, `${f}.probe[${i}]`, PROBE_FIELDS));
  (m.registers as unknown[]).forEach((r, i) => {
    const reg = checkObject(r, `${f}.registers[${i}]`, REGISTER_FIELDS);
    if (reg.energy !== undefined) {
      const e = checkObject(reg.energy, `${f}.registers[${i}].energy`, ENERGY_FIELDS);
      if (e.counterBits === undefined) fail(`${f}.registers[${i}].energy.counterBits`, 'is missing; give the counter width in bits, or null if it never wraps');
    }
    if (kindOf(reg.scale) === 'object') checkObject(reg.scale, `${f}.registers[${i}].scale`, { divideBy: { kind: 'number' } });
  });
}
