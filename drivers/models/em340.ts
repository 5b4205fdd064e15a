// Carlo Gavazzi EM340, register map from standards.md §4.2 [V-code: mbmd carlogavazzi-ex3x0.go].
// FC 04, INT32 least-significant word first, INT16 single registers, value = raw / divisor.
// [U] maxRegistersPerRead 50 and the factory line (9600 8N1, SmartEVSE-2 #55) are not from a CG document.
// [U] counterBits 31: the energy counter is assumed to wrap past the positive INT32 range; not documented.
import type { MeterModel, RegisterDef } from './model-schema.js';

const i32 = (quantity: RegisterDef['quantity'], address: number, divideBy: number, unit: RegisterDef['unit']): RegisterDef => ({
  quantity, address, type: 'i32', wordOrder: 'lsw', scale: { divideBy }, unit,
});
const i16 = (quantity: RegisterDef['quantity'], address: number, divideBy: number, unit: RegisterDef['unit']): RegisterDef => ({
  quantity, address, type: 'i16', scale: { divideBy }, unit,
});

export const em340: MeterModel = {
  id: 'em340',
  vendor: 'Carlo Gavazzi',
  model: 'EM340',
  description: 'Carlo Gavazzi EM340 three-phase meter, Modbus RTU, INT32 LSW-first input registers',
  functionCode: 4,
  phases: 3,
  maxRegistersPerRead: 50,
  maxGap: 16,
  holes: [],
  defaultLine: { baud: 9600, parity: 'none', dataBits: 8, stopBits: 1 },
  probe: [{ quantity: 'voltage_l1', min: 80, max: 300 }],
  registers: [
    i32('voltage_l1', 0x00, 10, 'V'),
    i32('voltage_l2', 0x02, 10, 'V'),
    i32('voltage_l3', 0x04, 10, 'V'),
    i32('current_l1', 0x0c, 1000, 'A'),
    i32('current_l2', 0x0e, 1000, 'A'),
    i32('current_l3', 0x10, 1000, 'A'),
    i32('power_l1', 0x12, 10, 'W'),
    i32('power_l2', 0x14, 10, 'W'),
    i32('power_l3', 0x16, 10, 'W'),
    i32('power_total', 0x28, 10, 'W'),
    i16('pf_l1', 0x2e, 1000, ''),
    i16('pf_l2', 0x2f, 1000, ''),
    i16('pf_l3', 0x30, 1000, ''),
    i16('pf_total', 0x31, 1000, ''),
    i16('frequency', 0x33, 10, 'Hz'),
    { ...i32('energy_import', 0x34, 10, 'kWh'), energy: { direction: 'import', counterBits: 31 } },
    { ...i32('energy_export', 0x4e, 10, 'kWh'), energy: { direction: 'export', counterBits: 31 } },
  ],
};
