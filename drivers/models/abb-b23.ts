// ABB B23 (B-series), register map from standards.md §4.3 [V-code: mbmd abb.go].
// FC 03, big-endian; all-ones (unsigned) or 0x7FFF... (signed) means "not available".
// [U] maxRegistersPerRead 125 (the Modbus limit; ABB's own limit not checked), factory line 9600 8E1 [U]
// (ABB manual not read; fixtures/models/factory-lines.json).
// The instantaneous block and the energy block are far apart, so a sample takes two reads.
import type { MeterModel, RegisterDef } from './model-schema.js';

const reg = (quantity: RegisterDef['quantity'], address: number, type: RegisterDef['type'], divideBy: number, unit: RegisterDef['unit']): RegisterDef => ({
  quantity, address, type, scale: { divideBy }, unit,
});

export const abbB23: MeterModel = {
  id: 'b23',
  vendor: 'ABB',
  model: 'B23',
  description: 'ABB B23 three-phase meter, Modbus RTU, holding registers, UINT64 0.01 kWh energy',
  functionCode: 3,
  phases: 3,
  maxRegistersPerRead: 125,
  maxGap: 16,
  holes: [],
  notAvailableSentinels: true,
  defaultLine: { baud: 9600, parity: 'even', dataBits: 8, stopBits: 1 },
  probe: [{ quantity: 'voltage_l1', min: 80, max: 300 }],
  registers: [
    { ...reg('energy_import', 0x5000, 'u64', 100, 'kWh'), energy: { direction: 'import', counterBits: null } },
    { ...reg('energy_export', 0x5004, 'u64', 100, 'kWh'), energy: { direction: 'export', counterBits: null } },
    reg('voltage_l1', 0x5b00, 'u32', 10, 'V'),
    reg('voltage_l2', 0x5b02, 'u32', 10, 'V'),
    reg('voltage_l3', 0x5b04, 'u32', 10, 'V'),
    reg('current_l1', 0x5b0c, 'u32', 100, 'A'),
    reg('current_l2', 0x5b0e, 'u32', 100, 'A'),
    reg('current_l3', 0x5b10, 'u32', 100, 'A'),
    reg('power_total', 0x5b14, 'i32', 100, 'W'),
    reg('power_l1', 0x5b16, 'i32', 100, 'W'),
    reg('power_l2', 0x5b18, 'i32', 100, 'W'),
    reg('power_l3', 0x5b1a, 'i32', 100, 'W'),
    reg('frequency', 0x5b2c, 'u16', 100, 'Hz'),
    reg('pf_total', 0x5b3a, 'i16', 1000, ''),
    reg('pf_l1', 0x5b3b, 'i16', 1000, ''),
    reg('pf_l2', 0x5b3c, 'i16', 1000, ''),
    reg('pf_l3', 0x5b3d, 'i16', 1000, ''),
  ],
};
