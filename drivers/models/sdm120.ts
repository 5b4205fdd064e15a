// Eastron SDM120 (single-phase), register map from standards.md §4.1 [V-code: mbmd sdm120.go].
// FC 04, float32 high word first. Same [U] caveat on the per-read limit as the SDM630.
// Factory line 2400 8N1 [V-doc: Eastron SDM120-Modbus manual V2.6, cited in Tasmota #6105; fixtures/models/factory-lines.json].
import type { MeterModel } from './model-schema.js';

export const sdm120: MeterModel = {
  id: 'sdm120',
  vendor: 'Eastron',
  model: 'SDM120',
  description: 'Eastron SDM120 single-phase meter, Modbus RTU, float32 input registers',
  functionCode: 4,
  phases: 1,
  maxRegistersPerRead: 80,
  maxGap: 16,
  holes: [],
  defaultLine: { baud: 2400, parity: 'none', dataBits: 8, stopBits: 1 },
  probe: [{ quantity: 'voltage_l1', min: 80, max: 300 }],
  registers: [
    { quantity: 'voltage_l1', address: 0x0000, type: 'f32', scale: '1', unit: 'V' },
    { quantity: 'current_l1', address: 0x0006, type: 'f32', scale: '1', unit: 'A' },
    { quantity: 'power_l1', address: 0x000c, type: 'f32', scale: '1', unit: 'W' },
    { quantity: 'pf_l1', address: 0x001e, type: 'f32', scale: '1', unit: '' },
    { quantity: 'frequency', address: 0x0046, type: 'f32', scale: '1', unit: 'Hz' },
    { quantity: 'energy_import', address: 0x0048, type: 'f32', scale: '1', unit: 'kWh', energy: { direction: 'import', counterBits: null } },
    { quantity: 'energy_export', address: 0x004a, type: 'f32', scale: '1', unit: 'kWh', energy: { direction: 'export', counterBits: null } },
  ],
};
