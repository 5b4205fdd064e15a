// BL0942 driver: polls the 23-byte read-all packet (4800 8N1) and reports CF_CNT as a 24-bit wrapping
// counter of energy in both directions (CF_CNT_ADD_SEL = 1, the chip's reset default); WATT carries the sign. A rejected packet is counted and retried, never turned into energy.
import type { Clock } from '../../clock.js';
import type { ConnectionSpec } from '../../catalog.js';
import { AmsgateError, FrameError, TimeoutError } from '../../errors.js';
import type { MeterDriver, MeterIdentity, MeterSample } from '../../meter-driver.js';
import { lineOf, serialOnly } from '../serial-connection.js';
import { SerialLine, lineDelay } from '../serial-line.js';
import { wireTimeMs, type LineSettings } from '../../sim/wire-timing.js';
import { BL0942_BOARDS, bl0942Instant, bl0942WhPerCount, checkBl0942Board, type Bl0942Board } from './board.js';
import { BL0942_FRAME_LENGTH, decodeBl0942Packet, encodeBl0942ReadRequest, type Bl0942Packet } from './codec.js';

export const BL0942_LINE: LineSettings = { baud: 4800, parity: 'none', dataBits: 8, stopBits: 1 };

export interface Bl0942DriverOptions {
  clock: Clock;
  /** Chip address 0..3 (address pins). */
  addr?: number;
  /** Board constants (see board.ts: bl0942Board(choice) resolves a profile with overrides); default profile "default". */
  board?: Bl0942Board;
  /** Reply timeout; ESPHome uses 200 ms at 4800 baud. */
  timeoutMs?: number;
  /** Extra attempts after a rejected or missing reply. */
  retries?: number;
}

export class Bl0942Driver implements MeterDriver {
  readonly modelId = 'bl0942';
  private readonly board: Bl0942Board;
  private readonly addr: number;
  /** Every packet rejected since open (header, length or checksum). */
  rejectedFrames = 0;

  private constructor(private readonly line: SerialLine, private readonly o: Bl0942DriverOptions) {
    this.board = o.board ?? BL0942_BOARDS.default!;
    checkBl0942Board(this.board);
    this.addr = o.addr ?? 0;
  }

  static async open(conn: ConnectionSpec, o: Bl0942DriverOptions): Promise<Bl0942Driver> {
    const line = await SerialLine.open(lineOf(serialOnly(conn, 'BL0942'), BL0942_LINE));
    return new Bl0942Driver(line, o);
  }

  /** One read-all packet, with retries; returns the packet, the clock when it arrived, and the errors met on the way. */
  async readPacket(): Promise<{ packet: Bl0942Packet; receivedAt: number; frameErrors: number; retries: number }> {
    const attempts = 1 + (this.o.retries ?? 2);
    let frameErrors = 0;
    let lastErr: AmsgateError | null = null;
    for (let i = 0; i < attempts; i++) {
      this.line.flushInput();
      await this.line.write(encodeBl0942ReadRequest(undefined, this.addr));
      try {
        const raw = await this.line.read(BL0942_FRAME_LENGTH, this.o.timeoutMs ?? 200, 'BL0942 packet');
        // The reading's time: the packet (CF_CNT with the rest) has just arrived, before it is decoded.
        const receivedAt = this.o.clock.now();
        return { packet: decodeBl0942Packet(raw, this.addr), receivedAt, frameErrors, retries: i };
      } catch (e) {
        if (e instanceof FrameError) {
          frameErrors++;
          this.rejectedFrames++;
          // Let the rest of a garbled reply arrive, then drop it before asking again.
          await lineDelay(wireTimeMs(BL0942_FRAME_LENGTH, this.line.options));
        } else if (!(e instanceof TimeoutError)) throw e;
        lastErr = e;
      }
    }
    const err = lastErr!;
    err.context.frameErrors = frameErrors;
    throw err;
  }

  async sample(): Promise<MeterSample> {
    const { packet, receivedAt, frameErrors, retries } = await this.readPacket();
    const v = bl0942Instant(packet, this.board);
    return {
      at: receivedAt,
      energy: {},
      absoluteEnergy: { value: BigInt(packet.cfCnt), whPerCount: bl0942WhPerCount(this.board), counterBits: 24, floatUlpWh: null },
      instant: {
        voltageV: [v.voltageV],
        currentA: [v.currentA],
        powerW: v.powerW,
        phasePowerW: [v.powerW],
        frequencyHz: v.frequencyHz,
      },
      frameErrors,
      retries,
    };
  }

  async identify(): Promise<MeterIdentity> {
    // The chip has no serial number; answering a packet proves it is there.
    await this.readPacket();
    return { vendor: 'Shanghai Belling', model: 'BL0942' };
  }

  close(): Promise<void> {
    return this.line.close();
  }
}
