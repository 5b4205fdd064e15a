// Reads the energy counter of a UART metering chip or an IEC 62056-21 meter straight from the line and scales it by
// the documented transfer function (chip-energy-scale.ts), not through the driver the gateway uses. Framing (request,
// checksum, stream sync, mode C sign-on) is the protocol and comes from the codecs; the scaling does not.
import type { ConnectionSpec } from '../../drivers/catalog.js';
import type { Clock } from '../../drivers/clock.js';
import { DeviceError, TimeoutError } from '../../drivers/errors.js';
import { Iec62056Client } from '../../drivers/iec62056/client.js';
import { currentRegister } from '../../drivers/iec62056/obis.js';
import { bl0942Board } from '../../drivers/uart/bl0942/board.js';
import { BL0942_FRAME_LENGTH, decodeBl0942Packet, encodeBl0942ReadRequest } from '../../drivers/uart/bl0942/codec.js';
import { BL0942_LINE } from '../../drivers/uart/bl0942/driver.js';
import type { BoardChoice } from '../../drivers/uart/board-profile.js';
import type { Cse7766Frame } from '../../drivers/uart/cse7766/codec.js';
import { CSE7766_LINE } from '../../drivers/uart/cse7766/driver.js';
import { Cse7766StreamParser } from '../../drivers/uart/cse7766/stream-parser.js';
import { lineOf, serialOnly } from '../../drivers/uart/serial-connection.js';
import { SerialLine } from '../../drivers/uart/serial-line.js';
import { BL0942_CF_BITS, bl0942PulseWh, CSE7766_CF_BITS, cse7766PulseWh, iecRegister } from './chip-energy-scale.js';
import type { Channel } from '../../device/records/record-types.js';
import type { RawCount, RawReader } from './raw-register-read.js';

type Read = (channel: Channel) => Promise<Omit<RawCount, 'at'>>;

/** BL0942: the read-all packet's CF_CNT (24 bit, both directions: CF_CNT_ADD_SEL = 1) x the board's pulse energy. */
async function bl0942(conn: ConnectionSpec, board: BoardChoice | undefined): Promise<{ read: Read; close: () => Promise<void> }> {
  const pulseWh = bl0942PulseWh(bl0942Board(board));
  const line = await SerialLine.open(lineOf(serialOnly(conn, 'BL0942'), BL0942_LINE));
  return {
    async read() {
      let last: Error | null = null;
      for (let i = 0; i < 3; i++) {
        line.flushInput();
        await line.write(encodeBl0942ReadRequest());
        try {
          const p = decodeBl0942Packet(await line.read(BL0942_FRAME_LENGTH, 200, 'BL0942 packet'));
          return { counts: BigInt(p.cfCnt), whPerCount: pulseWh, counterBits: BL0942_CF_BITS };
        } catch (e) {
          last = e as Error;
        }
      }
      throw last!;
    },
    close: () => line.close(),
  };
}

/** CSE7766: the next valid streamed frame's CF pulse count (16 bit) x its own Pcoef microjoules. */
async function cse7766(conn: ConnectionSpec): Promise<{ read: Read; close: () => Promise<void> }> {
  const line = await SerialLine.open(lineOf(serialOnly(conn, 'CSE7766'), CSE7766_LINE));
  let waiting: ((f: Cse7766Frame) => void)[] = [];
  const parser = new Cse7766StreamParser((f) => {
    const w = waiting;
    waiting = [];
    for (const r of w) r(f);
  });
  line.buffering = false;
  line.onData((chunk) => parser.push(chunk));
  return {
    async read() {
      const f = await new Promise<Cse7766Frame>((resolve, reject) => {
        const timer = setTimeout(() => reject(new TimeoutError('timeout', 'no valid CSE7766 frame within 500 ms (the chip streams one every ~50 ms)')), 500);
        waiting.push((x) => {
          clearTimeout(timer);
          resolve(x);
        });
      });
      if (f.state === 'uncalibrated' || f.flags.coefficientStorageAbnormal) {
        throw new DeviceError('coefficients', 'CSE7766 reports it is not calibrated or its coefficient storage is abnormal: its pulse energy is unknown');
      }
      return { counts: BigInt(f.cfPulses), whPerCount: cse7766PulseWh(f.powerCoef), counterBits: CSE7766_CF_BITS };
    },
    close: () => line.close(),
  };
}

/** IEC 62056-21: the readout's current 1.8.0 (import) or 2.8.0 (export) as printed, with its unit. */
async function iec62056(conn: ConnectionSpec): Promise<{ read: Read; close: () => Promise<void> }> {
  const client = await Iec62056Client.open(conn);
  return {
    async read(channel) {
      const code = channel === 'import' ? '1.8.0' : '2.8.0';
      const r = await client.readout();
      const d = currentRegister(r.readout, code);
      const v = d?.values[0];
      if (!v) throw new DeviceError('no-register', `the IEC 62056-21 readout has no current ${code}`);
      const { counts, whPerCount } = iecRegister(v.value, v.unit);
      // A printed register rolls over at 10^digits, not at a binary width.
      return { counts, whPerCount, counterBits: null };
    },
    close: () => client.close(),
  };
}

/** Opens the chip's own reader for one channel, or null when the model has none here. */
export async function openChipReader(model: string, conn: ConnectionSpec, clock: Clock, board?: BoardChoice): Promise<RawReader | null> {
  const open =
    model === 'bl0942' ? { r: await bl0942(conn, board), status: '[V-code] BL0942 CF_CNT x 419430.4 / (3600 x PREF) Wh, standards.md §4.4' }
    : model === 'cse7766' ? { r: await cse7766(conn), status: '[V-code] CSE7766 CF pulses x Pcoef / 3.6e9 Wh, standards.md §4.5' }
    : model === 'iec62056' ? { r: await iec62056(conn), status: '[V-code] IEC 62056-21 readout 1.8.0/2.8.0 digits x unit, standards.md §5' }
    : null;
  if (!open) return null;
  return {
    status: open.status,
    async read(channel) {
      const v = await open.r.read(channel);
      return { ...v, at: clock.now() };
    },
    close: open.r.close,
  };
}
