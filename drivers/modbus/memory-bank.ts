// A plain in-memory RegisterBank: separate holding (FC 03/06/16) and input (FC 04) tables per unit.
// Simulators with physics implement RegisterBank themselves; tests and interop checks use this one.
import { ConfigError } from '../errors.js';
import type { ReadFunctionCode, RegisterBank } from '../modbus-client.js';

export class MemoryRegisterBank implements RegisterBank {
  private readonly tables = new Map<number, { holding: Map<number, number>; input: Map<number, number> }>();

  /** `units`: which unit ids exist; a read of another unit answers exception 11 (gateway target failed to respond). */
  constructor(readonly units: readonly number[] = [1]) {
    for (const u of units) this.tables.set(u, { holding: new Map(), input: new Map() });
  }

  set(unit: number, table: 'holding' | 'input', address: number, values: readonly number[]): void {
    const t = this.tables.get(unit);
    if (!t) throw new ConfigError('bank-unit', `unit ${unit} is not in this bank; expected one of ${this.units.join(', ')}`);
    values.forEach((v, i) => t[table].set(address + i, v & 0xffff));
  }

  get(unit: number, table: 'holding' | 'input', address: number): number | undefined {
    return this.tables.get(unit)?.[table].get(address);
  }

  read(unit: number, fc: ReadFunctionCode, address: number, count: number): Uint16Array | number {
    const t = this.tables.get(unit);
    if (!t) return 11;
    const table = fc === 3 ? t.holding : t.input;
    const out = new Uint16Array(count);
    for (let i = 0; i < count; i++) {
      const v = table.get(address + i);
      if (v === undefined) return 2; // illegal data address: the register does not exist
      out[i] = v;
    }
    return out;
  }

  write(unit: number, address: number, values: readonly number[]): number | void {
    const t = this.tables.get(unit);
    if (!t) return 11;
    for (let i = 0; i < values.length; i++) if (!t.holding.has(address + i)) return 2;
    values.forEach((v, i) => t.holding.set(address + i, v));
  }
}
