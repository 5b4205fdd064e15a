// Eastron SDM630 (three-phase), register map from standards.md §4.1 [V-code: mbmd sdm.go, ESPHome sdm_meter].
// FC 04, IEEE-754 float32, high word first, 0-based PDU addresses.
// [U] the per-read limit (80) and maxGap are not from an Eastron document: 80 is a conservative limit below
// Modbus' 125. maxGap 16 [D]: at 9600 8N1 one more transaction costs 13 header/CRC characters, two t3.5
// silences (7 characters) and the meter's turnaround (assumed >= 12 ms), about what 16 more registers cost.
// [U] export power sign (expected negative) is not checked.
import type { MeterModel } from './model-schema.js';

const f32 = (quantity: MeterModel['registers'][number]['quantity'], address: number, unit: MeterModel['registers'][number]['unit']) =>
  ({ quantity, address, type: 'f32', scale: '1', unit }) as const;

export const sdm630: MeterModel = {
  id: 'sdm630',
  vendor: 'Eastron',
  model: 'SDM630',
  description: 'Eastron SDM630 three-phase meter, Modbus RTU, float32 input registers',
  functionCode: 4,
  phases: 3,
  maxRegistersPerRead: 80,
  maxGap: 16,
  holes: [],
  // [D] factory line 9600 8N1: the sibling SDM630MCT-ML manual V1.2 states it (fixtures/models/factory-lines.json).
  defaultLine: { baud: 9600, parity: 'none', dataBits: 8, stopBits: 1 },
  probe: [
    { quantity: 'voltage_l1', min: 80, max: 300 },
    // An SDM120 has no L2: a plausible L2 voltage tells the three-phase meter apart.
    { quantity: 'voltage_l2', min: 80, max: 300 },
  ],
  registers: [
    f32('voltage_l1', 0x0000, 'V'),
    f32('voltage_l2', 0x0002, 'V'),
    f32('voltage_l3', 0x0004, 'V'),
    f32('current_l1', 0x0006, 'A'),
    f32('current_l2', 0x0008, 'A'),
    f32('current_l3', 0x000a, 'A'),
    f32('power_l1', 0x000c, 'W'),
    f32('power_l2', 0x000e, 'W'),
    f32('power_l3', 0x0010, 'W'),
    f32('pf_l1', 0x001e, ''),
    f32('pf_l2', 0x0020, ''),
    f32('pf_l3', 0x0022, ''),
    f32('power_total', 0x0034, 'W'),
    f32('pf_total', 0x003e, ''),
    f32('frequency', 0x0046, 'Hz'),
    { ...f32('energy_import', 0x0048, 'kWh'), energy: { direction: 'import', counterBits: null } },
    { ...f32('energy_export', 0x004a, 'kWh'), energy: { direction: 'export', counterBits: null } },
  ],
};
