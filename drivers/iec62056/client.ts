// IEC 62056-21 mode C readout over a serial line (optical probe): sign-on at 300 baud 7E1, identification,
// acknowledgement with option select, switch to the agreed baud, data block. One readout per call.
import type { ConnectionSpec } from '../catalog.js';
import { DeviceError, FrameError } from '../errors.js';
import { wireTimeMs, type LineSettings } from '../sim/wire-timing.js';
import { lineOf, serialOnly } from '../uart/serial-connection.js';
import { SerialLine, lineDelay } from '../uart/serial-line.js';
import { dataBlockLength, parseDataBlock, type Readout } from './data-block.js';
import { MODE_C_BAUD, baudChar, encodeAckOptionSelect, encodeSignOn, parseIdentification, type Identification } from './messages.js';

/** Every mode C session starts here. */
export const IEC62056_SIGN_ON_LINE: LineSettings = { baud: 300, parity: 'even', dataBits: 7, stopBits: 1 };

export interface Iec62056ClientOptions {
  /** Device address sent in the sign-on ('' = whichever meter sees the probe). */
  address?: string;
  /** Highest baud rate to accept from the meter's offer. */
  maxBaud?: number;
  /** Wait for the identification, after the sign-on has left the line. */
  identTimeoutMs?: number;
  /** Extra time allowed for the data block beyond its wire time. */
  readoutTimeoutMs?: number;
  /** Bytes the data block may take, to size the timeout at the agreed baud. */
  expectedBlockBytes?: number;
}

export interface ReadoutResult {
  identification: Identification;
  baud: number;
  readout: Readout;
  /** The raw block, for logs. */
  raw: Uint8Array;
}

const CRLF = (b: Uint8Array): number | null => {
  for (let i = 1; i < b.length; i++) if (b[i - 1] === 0x0d && b[i] === 0x0a) return i + 1;
  return null;
};

const latin7 = (b: Uint8Array): string => Array.from(b, (c) => String.fromCharCode(c & 0x7f)).join('');

export class Iec62056Client {
  /** Data blocks rejected (BCC, syntax) since open. */
  rejectedBlocks = 0;

  constructor(readonly line: SerialLine, private readonly o: Iec62056ClientOptions = {}) {}

  static async open(conn: ConnectionSpec, o: Iec62056ClientOptions = {}): Promise<Iec62056Client> {
    const c = serialOnly(conn, 'IEC 62056-21 meter');
    // The sign-on line is always 300 baud 7E1, whatever baud the connection names (that is the maximum).
    const line = await SerialLine.open({ ...lineOf(c, IEC62056_SIGN_ON_LINE), baud: 300 });
    return new Iec62056Client(line, { maxBaud: c.baud && c.baud > 300 ? c.baud : undefined, ...o });
  }

  async readout(): Promise<ReadoutResult> {
    const line = this.line;
    const settings = { ...line.options, baud: 300 };
    if (line.options.baud !== 300) await line.setBaud(300);
    line.flushInput();
    const signOn = Buffer.from(encodeSignOn(this.o.address ?? ''), 'latin1');
    await line.write(signOn);
    // The identification can take ~0.6 s at 300 baud plus the meter's reaction time (up to 1.5 s).
    const identRaw = await line.readUntil(CRLF, this.o.identTimeoutMs ?? 1500 + wireTimeMs(signOn.length + 24, settings), 'identification line');
    const ident = parseIdentification(latin7(identRaw).replace(/\r\n$/, ''));
    if (ident.baud === null) {
      throw new DeviceError('mode', `meter identification "/${ident.manufacturer}${ident.baudChar}..." offers baud character "${ident.baudChar}", which is not mode C (expected 0..6)`);
    }
    const baud = Math.min(ident.baud, this.o.maxBaud ?? 19200);
    const z = baudChar(Object.values(MODE_C_BAUD).filter((b) => b <= baud).pop()!);
    const ack = Buffer.from(encodeAckOptionSelect(z), 'latin1');
    await line.write(ack);
    // Wait until the ACK has left the line at 300 baud before switching: serialport's update() flushes
    // both queues (TCIOFLUSH), and on a pty drain() returns before the other end has read the bytes.
    // The switch must still come before the meter's reaction time (>= 20 ms) after the ACK is over.
    await lineDelay(wireTimeMs(ack.length, settings) + 2);
    const agreed = MODE_C_BAUD[z]!;
    await line.setBaud(agreed);
    const timeout =
      (this.o.readoutTimeoutMs ?? 1500) + wireTimeMs(ack.length, settings) + wireTimeMs(this.o.expectedBlockBytes ?? 2048, { ...settings, baud: agreed });
    let raw: Uint8Array;
    try {
      raw = await line.readUntil(dataBlockLength, timeout, 'data block (STX ... ETX BCC)');
    } finally {
      await line.setBaud(300).catch(() => {});
    }
    // Anything before STX (noise on an optical head) is not part of the block.
    const stx = raw.indexOf(0x02);
    try {
      return { identification: ident, baud: agreed, readout: parseDataBlock(stx > 0 ? raw.subarray(stx) : raw), raw };
    } catch (e) {
      if (e instanceof FrameError) this.rejectedBlocks++;
      throw e;
    }
  }

  close(): Promise<void> {
    return this.line.close();
  }
}
