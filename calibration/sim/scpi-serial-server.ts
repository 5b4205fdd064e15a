// Serves a command handler on a serial port (one end of a socat pty pair): a simulated instrument.
import { SerialPort } from 'serialport';
import { ReadlineParser } from '@serialport/parser-readline';
import { TransportError } from '../../drivers/errors.js';

export interface LineHandler {
  handle(line: string): string | null;
}

export interface ScpiSerialServer {
  readonly path: string;
  close(): Promise<void>;
}

export async function serveScpi(path: string, handler: LineHandler, o: { baudRate?: number; replyDelayMs?: number } = {}): Promise<ScpiSerialServer> {
  const port = new SerialPort({ path, baudRate: o.baudRate ?? 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) =>
    port.open((e) => (e ? reject(new TransportError('serial-open', `simulator cannot open ${path}: ${e.message}`)) : resolve())),
  );
  const parser = port.pipe(new ReadlineParser({ delimiter: '\n' }));
  parser.on('data', (line: string) => {
    const reply = handler.handle(line.replace(/\r$/, ''));
    if (reply === null) return;
    const send = () => port.isOpen && port.write(`${reply}\n`);
    if (o.replyDelayMs) setTimeout(send, o.replyDelayMs);
    else send();
  });
  port.on('error', () => {});
  return {
    path,
    close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}
