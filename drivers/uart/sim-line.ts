// The simulator's end of a serial line. Given an existing tty (one end of a socat pair) it opens it; given a
// path that does not exist yet it has socat link `<path>` for the client and opens `<path>.sim` (sim/socat-pty.ts).
import type { ConnectionSpec } from '../catalog.js';
import { simSerialPath } from '../sim/socat-pty.js';
import type { LineSettings } from '../sim/wire-timing.js';
import { SerialLine } from './serial-line.js';
import { lineOf, serialOnly } from './serial-connection.js';

export interface SimLine {
  line: SerialLine;
  /** The path a client opens. */
  address: string;
  close(): Promise<void>;
}

export async function openSimLine(listen: ConnectionSpec, model: string, d: LineSettings): Promise<SimLine> {
  const conn = serialOnly(listen, model);
  const pty = await simSerialPath(conn.serial);
  let line: SerialLine;
  try {
    line = await SerialLine.open({ ...lineOf({ ...conn, serial: pty.simPath }, d) });
  } catch (e) {
    await pty.close();
    throw e;
  }
  return {
    line,
    address: pty.clientPath,
    async close() {
      await line.close();
      await pty.close();
    },
  };
}
