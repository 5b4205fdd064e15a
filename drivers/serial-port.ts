// Opening a `serialport` SerialPort with given line settings: the Modbus RTU client and server and the UART
// serial line all open their ports here. `fail` turns serialport's message into the caller's error.
import { SerialPort } from 'serialport';
import type { LineSettings } from './sim/wire-timing.js';

export async function openSerialPort(path: string, line: LineSettings, fail: (message: string) => Error): Promise<SerialPort> {
  const port = new SerialPort({
    path,
    baudRate: line.baud,
    dataBits: line.dataBits,
    parity: line.parity,
    stopBits: line.stopBits,
    autoOpen: false,
  });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(fail(err.message)) : resolve())));
  return port;
}
