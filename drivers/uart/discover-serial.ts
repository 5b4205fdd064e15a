// Finds a UART metering chip (CSE7766, BL0942, ATM90E26) or an IEC 62056-21 meter on a serial line (used by
// `amsgate discover --serial`). Each probe opens the line at the device's own settings, asks (or, for the
// streaming CSE7766, listens) once, and is bounded in time. These devices are point to point: the first one
// that answers ends the scan.
//
// Order: listening costs nothing on the line, so the CSE7766 goes first; the IEC 62056-21 sign-on comes before
// the binary chip requests, because a meter that collects CR LF lines would take those bytes for the start of
// the next line.
import type { ConnectionSpec } from '../catalog.js';
import { AmsgateError } from '../errors.js';
import { IEC62056_SIGN_ON_LINE } from '../iec62056/client.js';
import { encodeSignOn, parseIdentification } from '../iec62056/messages.js';
import { wireTimeMs, type LineSettings } from '../sim/wire-timing.js';
import { ATM90E26_LINE } from './atm90e26/client.js';
import { decodeAtm90e26ReadReply, encodeAtm90e26Read } from './atm90e26/codec.js';
import { ATM90E26_REG, atm90e26Hertz, atm90e26Volts } from './atm90e26/registers.js';
import { bl0942Instant } from './bl0942/board.js';
import { BL0942_FRAME_LENGTH, decodeBl0942Packet, encodeBl0942ReadRequest } from './bl0942/codec.js';
import { BL0942_LINE } from './bl0942/driver.js';
import { cse7766Instant } from './cse7766/codec.js';
import { CSE7766_LINE } from './cse7766/driver.js';
import { Cse7766StreamParser } from './cse7766/stream-parser.js';
import { SerialLine } from './serial-line.js';

export type SerialDeviceId = 'cse7766' | 'iec62056' | 'bl0942' | 'atm90e26';

export interface FoundSerialDevice {
  model: SerialDeviceId;
  /** The line settings it answered at (for IEC 62056-21 the sign-on line; `maxBaud` is what it offers). */
  connection: Extract<ConnectionSpec, { serial: string }>;
  voltageV?: number;
  /** IEC 62056-21: the identification line without "/" and CR LF, and the highest baud it offers. */
  identification?: string;
  maxBaud?: number | null;
}

export interface SerialProbeOptions {
  /** Answer timeout of a polled chip after its request and reply wire time, and the CSE7766 listening floor (ms). */
  timeoutMs: number;
  /** Reaction time allowed an IEC 62056-21 meter before its identification starts (default 1500 ms, the standard's longest). */
  iecReactionMs?: number;
  /** Which devices to try (default all, in the order above). */
  devices?: readonly SerialDeviceId[];
  onProgress?: (device: SerialDeviceId, line: LineSettings) => void;
}

export const SERIAL_PROBE_ORDER: readonly SerialDeviceId[] = ['cse7766', 'iec62056', 'bl0942', 'atm90e26'];

type ProbeResult = Omit<FoundSerialDevice, 'model' | 'connection'> | null;

interface Probe {
  line: LineSettings;
  /** Worst-case time of the probe, ms. */
  boundMs(o: SerialProbeOptions): number;
  run(line: SerialLine, o: SerialProbeOptions): Promise<ProbeResult>;
}

const CSE7766_FRAME_MS = wireTimeMs(24, CSE7766_LINE);
const IEC_SIGN_ON = Buffer.from(encodeSignOn(''), 'latin1');
/** "/XXXZ\W" + 16 identification characters + CR LF. */
const IEC_MAX_IDENT = 24;

/** Resolves with `null` when the device does not answer properly (timeout, checksum, implausible values). */
async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof AmsgateError) return null;
    throw e;
  }
}

const PROBES: Record<SerialDeviceId, Probe> = {
  cse7766: {
    line: CSE7766_LINE,
    // Frames come back to back: three frame times see at least two frame starts.
    boundMs: (o) => Math.max(o.timeoutMs, 3 * CSE7766_FRAME_MS + 20),
    run: (line, o) =>
      new Promise<ProbeResult>((resolve) => {
        const parser = new Cse7766StreamParser((f) => {
          clearTimeout(timer);
          resolve({ voltageV: cse7766Instant(f).voltageV });
        });
        const timer = setTimeout(() => resolve(null), PROBES.cse7766.boundMs(o));
        line.onData((chunk) => parser.push(chunk));
      }),
  },
  iec62056: {
    line: IEC62056_SIGN_ON_LINE,
    boundMs: (o) => wireTimeMs(IEC_SIGN_ON.length + IEC_MAX_IDENT, IEC62056_SIGN_ON_LINE) + (o.iecReactionMs ?? 1500),
    async run(line, o) {
      await line.write(IEC_SIGN_ON);
      const raw = await orNull(
        line.readUntil(
          (b) => {
            for (let i = 1; i < b.length; i++) if (b[i - 1] === 0x0d && b[i] === 0x0a) return i + 1;
            return null;
          },
          PROBES.iec62056.boundMs(o),
          'identification line',
        ),
      );
      if (!raw) return null;
      const text = Array.from(raw, (c) => String.fromCharCode(c & 0x7f)).join('').replace(/\r\n$/, '');
      // Noise before "/" (an optical head picking up light) is not part of the message.
      const id = await orNull(Promise.resolve().then(() => parseIdentification(text.slice(Math.max(0, text.indexOf('/'))))));
      // No ACK follows: the meter drops back to idle after its acknowledgement timeout.
      return id ? { identification: `${id.manufacturer}${id.baudChar}${id.enhanced ? `\\${id.enhanced}` : ''}${id.ident}`, maxBaud: id.baud } : null;
    },
  },
  bl0942: {
    line: BL0942_LINE,
    boundMs: (o) => o.timeoutMs + wireTimeMs(2 + BL0942_FRAME_LENGTH, BL0942_LINE),
    async run(line, o) {
      // Address 0, as the catalog entry (boards nearly always strap it).
      await line.write(encodeBl0942ReadRequest());
      const frame = await orNull(line.read(BL0942_FRAME_LENGTH, PROBES.bl0942.boundMs(o), 'BL0942 read-all packet'));
      const packet = frame && (await orNull(Promise.resolve().then(() => decodeBl0942Packet(frame))));
      return packet ? { voltageV: bl0942Instant(packet).voltageV } : null;
    },
  },
  atm90e26: {
    line: ATM90E26_LINE,
    boundMs: (o) => 2 * (o.timeoutMs + wireTimeMs(6, ATM90E26_LINE)),
    async run(line, o) {
      // The reply's checksum is one byte: a plausible line frequency must come back as well.
      const read = async (addr: number): Promise<number | null> => {
        line.flushInput();
        await line.write(encodeAtm90e26Read(addr));
        const reply = await orNull(line.read(3, o.timeoutMs + wireTimeMs(6, ATM90E26_LINE), `ATM90E26 register 0x${addr.toString(16)} reply`));
        return reply && orNull(Promise.resolve().then(() => decodeAtm90e26ReadReply(reply)));
      };
      const freq = await read(ATM90E26_REG.Freq);
      if (freq === null || atm90e26Hertz(freq) < 40 || atm90e26Hertz(freq) > 70) return null;
      const urms = await read(ATM90E26_REG.Urms);
      return urms === null ? null : { voltageV: atm90e26Volts(urms) };
    },
  },
};

/** Worst-case time of a scan of `devices`, ms. */
export function serialProbeBoundMs(o: SerialProbeOptions): number {
  return (o.devices ?? SERIAL_PROBE_ORDER).reduce((t, d) => t + PROBES[d].boundMs(o), 0);
}

/** Tries each device in turn on `path`; returns the first that answers, or null. */
export async function discoverSerialDevice(path: string, o: SerialProbeOptions): Promise<{ found: FoundSerialDevice | null; probes: number }> {
  let probes = 0;
  const wanted = new Set(o.devices ?? SERIAL_PROBE_ORDER);
  for (const id of SERIAL_PROBE_ORDER.filter((d) => wanted.has(d))) {
    const p = PROBES[id];
    o.onProgress?.(id, p.line);
    probes++;
    const line = await SerialLine.open({ path, ...p.line });
    let r: ProbeResult;
    try {
      r = await p.run(line, o);
    } finally {
      await line.close();
    }
    if (r) return { found: { model: id, connection: { serial: path, ...p.line }, ...r }, probes };
  }
  return { found: null, probes };
}
