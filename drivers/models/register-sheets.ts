// What each simulated Modbus meter puts on the wire, written from the vendors' register tables (standards.md
// §4.1-4.3: Eastron via mbmd sdm.go/sdm120.go and ESPHome sdm_meter, CG via mbmd carlogavazzi-ex3x0.go citing the CG
// protocol PDF, ABB via mbmd abb.go citing the B-series manual), separately from the driver's models in this folder.
// A simulator that encoded with the driver's own scale would agree with a wrong scale; this table is the second,
// independent statement of each fact, and the physics cross-check (test/drivers/models/physics-cross-check.test.ts)
// fails when the two disagree.
import type { Quantity } from './model-schema.js';

/** How a value is laid out in registers; bytes in a register are always big-endian. */
export type WireFormat = 'float32' | 'uint32' | 'int32' | 'uint16' | 'int16' | 'uint64';

export interface SheetEntry {
  address: number;
  wire: WireFormat;
  /** Multi-register values with the least significant 16-bit word first (CG); default most significant first. */
  lowWordFirst?: boolean;
  /** Counts per physical unit: 10 for "0.1 V" resolution, 1 for floats (which carry the unit itself). */
  perUnit: number;
  /** The type's top value (all ones unsigned, 0x7FFF.. signed) means "not available" (ABB): a reading stays below. */
  topMeansNotAvailable?: boolean;
  /** Energy registers: the unit the count is in (counts per kWh or per Wh). */
  energyUnit?: 'kWh' | 'Wh';
  /** Energy registers: the counter restarts at 0 after 2^wrapBits - 1 (null: it never wraps in practice). */
  wrapBits?: number | null;
}

export type RegisterSheet = Partial<Record<Quantity, SheetEntry>>;

const f = (address: number): SheetEntry => ({ address, wire: 'float32', perUnit: 1 });
const fkWh = (address: number): SheetEntry => ({ address, wire: 'float32', perUnit: 1, energyUnit: 'kWh', wrapBits: null });

/** Eastron SDM630: FC 04 float32, high word first; energy in kWh. */
const sdm630: RegisterSheet = {
  voltage_l1: f(0x00), voltage_l2: f(0x02), voltage_l3: f(0x04),
  current_l1: f(0x06), current_l2: f(0x08), current_l3: f(0x0a),
  power_l1: f(0x0c), power_l2: f(0x0e), power_l3: f(0x10),
  pf_l1: f(0x1e), pf_l2: f(0x20), pf_l3: f(0x22),
  power_total: f(0x34), pf_total: f(0x3e), frequency: f(0x46),
  energy_import: fkWh(0x48), energy_export: fkWh(0x4a),
};

/** Eastron SDM120: the SDM630's L1 registers. */
const sdm120: RegisterSheet = {
  voltage_l1: f(0x00), current_l1: f(0x06), power_l1: f(0x0c), pf_l1: f(0x1e), frequency: f(0x46),
  energy_import: fkWh(0x48), energy_export: fkWh(0x4a),
};

const cg32 = (address: number, perUnit: number): SheetEntry => ({ address, wire: 'int32', lowWordFirst: true, perUnit });
const cg16 = (address: number, perUnit: number): SheetEntry => ({ address, wire: 'int16', perUnit });
/** Carlo Gavazzi EM340: INT32 least-significant word first, 0.1 V, mA, 0.1 W, PF/1000, 0.1 Hz, 0.1 kWh. */
const em340: RegisterSheet = {
  voltage_l1: cg32(0x00, 10), voltage_l2: cg32(0x02, 10), voltage_l3: cg32(0x04, 10),
  current_l1: cg32(0x0c, 1000), current_l2: cg32(0x0e, 1000), current_l3: cg32(0x10, 1000),
  power_l1: cg32(0x12, 10), power_l2: cg32(0x14, 10), power_l3: cg32(0x16, 10), power_total: cg32(0x28, 10),
  pf_l1: cg16(0x2e, 1000), pf_l2: cg16(0x2f, 1000), pf_l3: cg16(0x30, 1000), pf_total: cg16(0x31, 1000),
  frequency: cg16(0x33, 10),
  // [U] wrap past the positive INT32 range: not documented (the same assumption as the model).
  energy_import: { ...cg32(0x34, 10), energyUnit: 'kWh', wrapBits: 31 },
  energy_export: { ...cg32(0x4e, 10), energyUnit: 'kWh', wrapBits: 31 },
};

const abb = (address: number, wire: WireFormat, perUnit: number): SheetEntry => ({ address, wire, perUnit, topMeansNotAvailable: true });
/** ABB B23: FC 03 big-endian; 0.1 V, 0.01 A, 0.01 W, 0.01 Hz, PF/1000, UINT64 0.01 kWh. */
const b23: RegisterSheet = {
  voltage_l1: abb(0x5b00, 'uint32', 10), voltage_l2: abb(0x5b02, 'uint32', 10), voltage_l3: abb(0x5b04, 'uint32', 10),
  current_l1: abb(0x5b0c, 'uint32', 100), current_l2: abb(0x5b0e, 'uint32', 100), current_l3: abb(0x5b10, 'uint32', 100),
  power_total: abb(0x5b14, 'int32', 100), power_l1: abb(0x5b16, 'int32', 100), power_l2: abb(0x5b18, 'int32', 100), power_l3: abb(0x5b1a, 'int32', 100),
  frequency: abb(0x5b2c, 'uint16', 100),
  pf_total: abb(0x5b3a, 'int16', 1000), pf_l1: abb(0x5b3b, 'int16', 1000), pf_l2: abb(0x5b3c, 'int16', 1000), pf_l3: abb(0x5b3d, 'int16', 1000),
  energy_import: { ...abb(0x5000, 'uint64', 100), energyUnit: 'kWh', wrapBits: null },
  energy_export: { ...abb(0x5004, 'uint64', 100), energyUnit: 'kWh', wrapBits: null },
};

/** The datasheet tables of the shipped models, by model id. */
export const REGISTER_SHEETS: Readonly<Record<string, RegisterSheet>> = { sdm630, sdm120, em340, b23 };
