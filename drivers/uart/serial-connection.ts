// Turning a catalog ConnectionSpec into serial line settings: UART devices refuse TCP, and unset line
// fields take the device's defaults.
import type { ConnectionSpec } from '../catalog.js';
import { ConfigError } from '../errors.js';
import type { LineSettings } from '../sim/wire-timing.js';

export function serialOnly(conn: ConnectionSpec, model: string): Extract<ConnectionSpec, { serial: string }> {
  if ('tcp' in conn) {
    throw new ConfigError(
      'connection',
      `${model} is a UART device and speaks only over a serial line; got --tcp ${conn.tcp}. ` +
        'Give --serial PATH (e.g. /dev/ttyUSB0 or a socat pty link), or put a serial-to-TCP bridge in front of it and use its local pty.',
    );
  }
  return conn;
}

export function lineOf(conn: Extract<ConnectionSpec, { serial: string }>, d: LineSettings): LineSettings & { path: string } {
  return {
    path: conn.serial,
    baud: conn.baud ?? d.baud,
    parity: conn.parity ?? d.parity,
    dataBits: conn.dataBits ?? d.dataBits,
    stopBits: conn.stopBits ?? d.stopBits,
  };
}
