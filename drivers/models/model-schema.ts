// A Modbus meter model is data, not code: which registers hold which quantity, how to decode them and what the
// meter refuses. validateModel() rejects a definition that cannot be right, naming the field, so that a wrong map
// fails at load time instead of producing plausible but wrong energy.
import type { ReadFunctionCode } from '../modbus-client.js';
import type { EnergyDirection } from '../meter-driver.js';
import type { Parity } from '../catalog.js';
import { ConfigError } from '../errors.js';
import { parseDecimal, rational, type Rational } from '../rational.js';
import { checkModelShape } from './model-shape.js';

/** The fixed vocabulary of quantities a register can hold. */
export const QUANTITIES = [
  'voltage_l1', 'voltage_l2', 'voltage_l3',
  'current_l1', 'current_l2', 'current_l3',
  'power_l1', 'power_l2', 'power_l3', 'power_total',
  'pf_l1', 'pf_l2', 'pf_l3', 'pf_total',
  'frequency',
  'phase_angle_l1', 'phase_angle_l2', 'phase_angle_l3',
  'energy_import', 'energy_export',
  'serial',
] as const;
export type Quantity = (typeof QUANTITIES)[number];

export const REGISTER_TYPES = ['u16', 'i16', 'u32', 'i32', 'u64', 'f32'] as const;
export type RegisterType = (typeof REGISTER_TYPES)[number];

/** Number of 16-bit registers each type occupies. */
export const REGISTER_WIDTH: Readonly<Record<RegisterType, number>> = { u16: 1, i16: 1, u32: 2, i32: 2, u64: 4, f32: 2 };

export type Unit = 'V' | 'A' | 'W' | 'Hz' | 'deg' | 'kWh' | 'Wh' | '';

/** Multiplier from the raw value to `unit`: an exact decimal string ("0.01") or a divisor ({ divideBy: 100 }). */
export type Scale = string | { divideBy: number };

export interface RegisterDef {
  quantity: Quantity;
  /** 0-based PDU address of the first register. */
  address: number;
  type: RegisterType;
  /** Which 16-bit word comes first for multi-register types: most (default) or least significant. */
  wordOrder?: 'msw' | 'lsw';
  scale: Scale;
  unit: Unit;
  /** Present exactly on cumulative energy registers. */
  energy?: {
    direction: EnergyDirection;
    /** Width of the counter when it wraps, or null if it does not (floats, 64-bit counters). */
    counterBits: number | null;
  };
}

/** An inclusive range of addresses the meter must never be asked for. */
export interface Hole {
  from: number;
  to: number;
}

/** A register that must read plausibly for discover to say "this is that model". */
export interface ProbeCheck {
  quantity: Quantity;
  min?: number;
  max?: number;
}

export interface MeterModel {
  id: string;
  vendor: string;
  model: string;
  description: string;
  functionCode: ReadFunctionCode;
  phases: 1 | 3;
  /** Most registers in one read: never above 125 (Modbus) and never above the meter's own limit. */
  maxRegistersPerRead: number;
  /** Largest run of unwanted registers the planner may read through to save a transaction. */
  maxGap: number;
  holes: Hole[];
  /** ABB style: all-ones (unsigned) or max-positive (signed) raw values mean "not available". */
  notAvailableSentinels?: boolean;
  defaultLine: { baud: number; parity: Parity; dataBits: 7 | 8; stopBits: 1 | 2 };
  /** Checks run in order by `amsgate discover`; every one must pass. */
  probe: ProbeCheck[];
  registers: RegisterDef[];
}

/** The exact multiplier of a register as a rational. */
export function scaleOf(s: Scale): Rational {
  return typeof s === 'string' ? parseDecimal(s) : rational(1n, BigInt(s.divideBy));
}

const UNIT_OF: Partial<Record<string, Unit[]>> = {
  voltage: ['V'], current: ['A'], power: ['W'], pf: [''], frequency: ['Hz'], phase: ['deg'], energy: ['kWh', 'Wh'], serial: [''],
};

const MAX_READ = 125;

function fail(field: string, message: string): never {
  throw new ConfigError('model', `${field}: ${message}`, { field });
}

function isInt(n: unknown, min: number, max: number): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;
}

const LINE_BAUDS = [300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200];
const PARITIES: readonly string[] = ['none', 'even', 'odd'];

/**
 * Checks a model (built-in, or parsed from a model file) and returns it unchanged; throws ConfigError naming the first
 * wrong field. The one schema for every model: shape first (model-shape.ts), then meaning.
 */
export function validateModel(x: unknown): MeterModel {
  checkModelShape(x);
  const m = x;
  const f = `model ${m.id || '(no id)'}`;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(m.id ?? '')) fail(`${f}.id`, 'expected lower-case letters, digits and dashes');
  if (m.functionCode !== 3 && m.functionCode !== 4) fail(`${f}.functionCode`, `is ${m.functionCode}; expected 3 (holding) or 4 (input)`);
  if (m.phases !== 1 && m.phases !== 3) fail(`${f}.phases`, `is ${m.phases}; expected 1 or 3`);
  if (!isInt(m.maxRegistersPerRead, 1, MAX_READ)) {
    fail(`${f}.maxRegistersPerRead`, `is ${m.maxRegistersPerRead}; expected an integer 1..${MAX_READ} (Modbus allows at most 125 per read)`);
  }
  if (!isInt(m.maxGap, 0, MAX_READ)) fail(`${f}.maxGap`, `is ${m.maxGap}; expected an integer 0..${MAX_READ}`);
  m.holes.forEach((h, i) => {
    if (!isInt(h.from, 0, 0xffff) || !isInt(h.to, h.from, 0xffff)) {
      fail(`${f}.holes[${i}]`, `is ${JSON.stringify(h)}; expected 0 <= from <= to <= 65535`);
    }
  });
  const l = m.defaultLine;
  if (!LINE_BAUDS.includes(l.baud)) fail(`${f}.defaultLine.baud`, `is ${l.baud}; expected one of ${LINE_BAUDS.join(', ')}`);
  if (!PARITIES.includes(l.parity)) fail(`${f}.defaultLine.parity`, `is "${l.parity}"; expected none, even or odd`);
  if (l.dataBits !== 7 && l.dataBits !== 8) fail(`${f}.defaultLine.dataBits`, `is ${l.dataBits}; expected 7 or 8`);
  if (l.stopBits !== 1 && l.stopBits !== 2) fail(`${f}.defaultLine.stopBits`, `is ${l.stopBits}; expected 1 or 2`);
  const seen = new Set<Quantity>();
  m.registers.forEach((r, i) => {
    const rf = `${f}.registers[${i}] (${r.quantity})`;
    if (!(QUANTITIES as readonly string[]).includes(r.quantity)) fail(`${rf}.quantity`, `expected one of ${QUANTITIES.join(', ')}`);
    if (seen.has(r.quantity)) fail(`${rf}.quantity`, 'appears twice; each quantity has one register');
    seen.add(r.quantity);
    if (!(REGISTER_TYPES as readonly string[]).includes(r.type)) fail(`${rf}.type`, `is "${r.type}"; expected one of ${REGISTER_TYPES.join(', ')}`);
    const width = REGISTER_WIDTH[r.type];
    if (!isInt(r.address, 0, 0x10000 - width)) fail(`${rf}.address`, `is ${r.address}; expected an integer 0..${0x10000 - width}`);
    if (width > m.maxRegistersPerRead) fail(`${rf}.type`, `needs ${width} registers, more than maxRegistersPerRead ${m.maxRegistersPerRead}`);
    if (r.wordOrder !== undefined && r.wordOrder !== 'msw' && r.wordOrder !== 'lsw') fail(`${rf}.wordOrder`, `expected "msw" or "lsw"`);
    let scale: Rational;
    try {
      scale = scaleOf(r.scale);
    } catch {
      fail(`${rf}.scale`, `is ${JSON.stringify(r.scale)}; expected a decimal string such as "0.01" or { divideBy: 100 }`);
    }
    if (scale.num === 0n) fail(`${rf}.scale`, 'is zero');
    if (typeof r.scale === 'object' && !isInt(r.scale.divideBy, 1, Number.MAX_SAFE_INTEGER)) fail(`${rf}.scale.divideBy`, 'expected a positive integer');
    const family = r.quantity.split('_')[0]!;
    if (!UNIT_OF[family]?.includes(r.unit)) fail(`${rf}.unit`, `is "${r.unit}"; expected ${UNIT_OF[family]?.map((u) => `"${u}"`).join(' or ')}`);
    const isEnergy = r.quantity.startsWith('energy_');
    if (isEnergy !== (r.energy !== undefined)) fail(`${rf}.energy`, isEnergy ? 'is missing on an energy register' : 'is only allowed on energy_import/energy_export');
    if (r.energy) {
      if (`energy_${r.energy.direction}` !== r.quantity) fail(`${rf}.energy.direction`, `is "${r.energy.direction}" but the quantity is ${r.quantity}`);
      const bits = r.energy.counterBits;
      if (r.type === 'f32' && bits !== null) fail(`${rf}.energy.counterBits`, 'must be null for a float register (floats do not wrap)');
      if (bits !== null && !isInt(bits, 1, width * 16)) fail(`${rf}.energy.counterBits`, `is ${bits}; expected null or 1..${width * 16}`);
      if (r.type !== 'f32' && !(scaleOf(r.scale).num > 0n)) fail(`${rf}.scale`, 'must be positive on an energy register');
    }
    m.holes.forEach((h, hi) => {
      if (h.from <= r.address + width - 1 && r.address <= h.to) {
        fail(`${rf}.address`, `registers ${r.address}..${r.address + width - 1} overlap holes[${hi}] ${h.from}..${h.to}`);
      }
    });
  });
  const sorted = m.registers.map((r, i) => ({ r, i })).sort((a, b) => a.r.address - b.r.address);
  for (let k = 1; k < sorted.length; k++) {
    const prev = sorted[k - 1]!;
    const cur = sorted[k]!;
    if (prev.r.address + REGISTER_WIDTH[prev.r.type] > cur.r.address) {
      fail(
        `${f}.registers[${cur.i}] (${cur.r.quantity}).address`,
        `${cur.r.address} overlaps registers[${prev.i}] (${prev.r.quantity}) at ${prev.r.address}..${prev.r.address + REGISTER_WIDTH[prev.r.type] - 1}`,
      );
    }
  }
  m.probe.forEach((p, i) => {
    if (!seen.has(p.quantity)) fail(`${f}.probe[${i}].quantity`, `"${p.quantity}" has no register in this model`);
    if (p.min !== undefined && p.max !== undefined && p.min > p.max) fail(`${f}.probe[${i}]`, `min ${p.min} is above max ${p.max}; no reading could pass`);
  });
  if (m.probe.length === 0) fail(`${f}.probe`, 'is empty; discover needs at least one register to identify the model');
  if (!m.registers.some((r) => r.energy)) fail(`${f}.registers`, 'has no energy register; add energy_import (and energy_export) so settlement has something to rest on');
  // Per-phase families are complete: a three-phase model has L1, L2 and L3 of each, a single-phase one L1 only.
  const families = new Set([...seen].filter((q) => /_l[123]$/.test(q)).map((q) => q.replace(/_l[123]$/, '')));
  if (m.phases === 3 && families.size === 0) fail(`${f}.registers`, 'has no per-phase register; a three-phase model needs L1, L2 and L3 registers (e.g. voltage_l1..l3)');
  for (const fam of families) {
    for (const p of [1, 2, 3]) {
      const q = `${fam}_l${p}` as Quantity;
      if (m.phases === 3 && !seen.has(q)) fail(`${f}.registers`, `has ${[...seen].filter((s) => s.startsWith(`${fam}_l`)).join(', ')} but no ${q}; a three-phase model needs all three phases`);
      if (m.phases === 1 && p > 1 && seen.has(q)) fail(`${f}.registers`, `has ${q} on a single-phase model; set phases: 3 or remove it`);
    }
  }
  return m;
}
