// CSE7766 driver (4800 8E1): the chip streams a frame about every 50 ms; a sample is the next valid frame
// after the call. Rejected frames and garbage are counted by the stream parser, never turned into energy.
import type { Clock } from '../../clock.js';
import type { ConnectionSpec } from '../../catalog.js';
import { DeviceError, TimeoutError } from '../../errors.js';
import type { MeterDriver, MeterIdentity, MeterSample } from '../../meter-driver.js';
import type { LineSettings } from '../../sim/wire-timing.js';
import { lineOf, serialOnly } from '../serial-connection.js';
import { SerialLine } from '../serial-line.js';
import { cse7766Instant, cse7766WhPerCount, type Cse7766Frame } from './codec.js';
import { Cse7766StreamParser } from './stream-parser.js';

export const CSE7766_LINE: LineSettings = { baud: 4800, parity: 'even', dataBits: 8, stopBits: 1 };

export interface Cse7766DriverOptions {
  clock: Clock;
  /** How long to wait for the next valid frame (several frame times, to ride out a garbled one). */
  timeoutMs?: number;
}

export class Cse7766Driver implements MeterDriver {
  readonly modelId = 'cse7766';
  readonly parser: Cse7766StreamParser;
  private waiting: ((f: Cse7766Frame, receivedAt: number) => void)[] = [];
  private resyncsReported = 0;

  private constructor(private readonly line: SerialLine, private readonly o: Cse7766DriverOptions) {
    this.parser = new Cse7766StreamParser((f) => {
      // The reading's time: the frame's last byte has just arrived.
      const receivedAt = this.o.clock.now();
      const w = this.waiting;
      this.waiting = [];
      for (const resolve of w) resolve(f, receivedAt);
    });
    line.buffering = false;
    line.onData((chunk) => this.parser.push(chunk));
  }

  static async open(conn: ConnectionSpec, o: Cse7766DriverOptions): Promise<Cse7766Driver> {
    const line = await SerialLine.open(lineOf(serialOnly(conn, 'CSE7766'), CSE7766_LINE));
    return new Cse7766Driver(line, o);
  }

  /** Resolves with the next valid frame to arrive. */
  async nextFrame(): Promise<Cse7766Frame> {
    return (await this.nextStampedFrame()).frame;
  }

  /** The next valid frame and the clock when it arrived. */
  private nextStampedFrame(): Promise<{ frame: Cse7766Frame; receivedAt: number }> {
    const timeoutMs = this.o.timeoutMs ?? 500;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== done);
        reject(new TimeoutError('timeout', `no valid CSE7766 frame on ${this.line.options.path} within ${timeoutMs} ms (the chip should send one every ~50 ms at 4800 8E1)`));
      }, timeoutMs);
      const done = (frame: Cse7766Frame, receivedAt: number): void => {
        clearTimeout(timer);
        resolve({ frame, receivedAt });
      };
      this.waiting.push(done);
    });
  }

  async sample(): Promise<MeterSample> {
    const { frame: f, receivedAt } = await this.nextStampedFrame();
    const frameErrors = this.parser.stats.resyncs - this.resyncsReported;
    this.resyncsReported = this.parser.stats.resyncs;
    if (f.state === 'uncalibrated') {
      throw new DeviceError('uncalibrated', 'CSE7766 sends header 0xAA: the chip is not calibrated, so its coefficients (and energy) mean nothing; expected header 0x55');
    }
    if (f.flags.coefficientStorageAbnormal) {
      throw new DeviceError('coefficients', 'CSE7766 reports its coefficient storage abnormal (header bit 0): energy cannot be trusted');
    }
    const v = cse7766Instant(f);
    return {
      at: receivedAt,
      energy: {
        // The chip counts pulses whatever the direction of power: report it as import (see docs/uart-chips.md).
        import: { value: BigInt(f.cfPulses), whPerCount: cse7766WhPerCount(f.powerCoef), counterBits: 16, floatUlpWh: null },
      },
      instant: { voltageV: [v.voltageV], currentA: [v.currentA], powerW: v.powerW, phasePowerW: [v.powerW] },
      frameErrors,
      retries: 0,
    };
  }

  async identify(): Promise<MeterIdentity> {
    await this.nextFrame();
    return { vendor: 'Chipsea', model: 'CSE7766' };
  }

  close(): Promise<void> {
    return this.line.close();
  }
}
