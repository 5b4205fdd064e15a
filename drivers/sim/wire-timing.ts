// A pty passes bytes instantly whatever the baud rate, so simulators delay replies by the time the
// bytes would take on a real line.
export interface LineSettings {
  baud: number;
  dataBits: 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
}

export const bitsPerChar = (s: LineSettings): number => 1 + s.dataBits + (s.parity === 'none' ? 0 : 1) + s.stopBits;

/** Milliseconds `bytes` occupy on the line. */
export const wireTimeMs = (bytes: number, s: LineSettings): number => (bytes * bitsPerChar(s) * 1000) / s.baud;

/** Modbus RTU inter-frame silence t3.5: 3.5 characters, fixed at 1.75 ms above 19200 baud (Modbus over serial line spec). */
export const t35Ms = (s: LineSettings): number => (s.baud > 19200 ? 1.75 : wireTimeMs(3.5, s));
