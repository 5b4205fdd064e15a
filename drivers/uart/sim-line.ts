// What every serial simulator (BL0942, CSE7766, ATM90E26, IEC 62056-21) shares: the simulator's end of the
// line, the physical meter it plays, the faults in force, replies sent one at a time in order and held back by
// the wire time (a pty passes bytes instantly), and the RunningSimulator it hands out.
//
// Given an existing tty (one end of a socat pair) the line opens it; given a path that does not exist yet
// socat links `<path>` for the client and the simulator opens `<path>.sim` (sim/socat-pty.ts).
import type { ConnectionSpec, FaultSpec, RunningSimulator, SimulatorOptions } from '../catalog.js';
import { physicalMeterFor, type PhysicalMeter } from '../sim/physical-meter.js';
import { slowDelayMs } from '../sim/slow-reply.js';
import { simSerialPath } from '../sim/socat-pty.js';
import { wireTimeMs, type LineSettings } from '../sim/wire-timing.js';
import { lineDelay, SerialLine } from './serial-line.js';
import { StopSignal } from '../stop-signal.js';
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

export interface SimHooks {
  /** After the faults were replaced (e.g. forget a frozen reading when `frozen` is lifted). */
  onFaults?(f: FaultSpec): void;
  /** After the physical registers restarted at zero (a replaced meter). */
  onReset?(): void;
  /** After the last queued task finished, before the line closes. */
  onClose?(): void | Promise<void>;
}

/** A simulated device on a serial line (see the top of this file). */
export class SerialSim {
  /** Faults in force now; `setFaults` on the RunningSimulator replaces them. */
  faults: FaultSpec;
  readonly random: () => number;
  /** Replies wait for the wire time of their bytes (SimulatorOptions.wireTiming, default true). */
  readonly wireTiming: boolean;
  private chain: Promise<void> = Promise.resolve();
  private isClosed = false;
  /** Settles when close() starts: a write blocked on a line nobody reads must not hold the close. */
  private readonly closing = new StopSignal();

  private constructor(
    private readonly sim: SimLine,
    readonly physical: PhysicalMeter,
    o: Omit<SimulatorOptions, 'board'>,
  ) {
    this.faults = { ...(o.faults ?? {}) };
    this.random = o.random ?? Math.random;
    this.wireTiming = o.wireTiming !== false;
    // Simulators take input through onData listeners only: nothing piles up for read().
    sim.line.buffering = false;
  }

  /** Opens the line (`o.listen`, unset line fields from `defaults`) and the physical meter with `phases`. */
  static async open(o: Omit<SimulatorOptions, 'board'>, model: string, defaults: LineSettings, phases: 1 | 3): Promise<SerialSim> {
    const physical = physicalMeterFor(o, phases);
    return new SerialSim(await openSimLine(o.listen, model, defaults), physical, o);
  }

  get line(): SerialLine {
    return this.sim.line;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Runs `task` after every task queued before it: the device handles one request at a time, in order. */
  serially(task: () => Promise<void>): void {
    this.chain = this.chain.then(task);
  }

  /** Real time `bytes` occupy this line (or `line`): 0 without wire timing. */
  wireMs(bytes: number, line: LineSettings = this.sim.line.options): number {
    return this.wireTiming ? wireTimeMs(bytes, line) : 0;
  }

  /** The wait before a chip's reply is complete: request and reply on the wire plus its turnaround; 0 without wire timing. */
  replyDelayMs(bytesOnWire: number, turnaroundMs: number): number {
    return this.wireTiming ? wireTimeMs(bytesOnWire, this.sim.line.options) + turnaroundMs : 0;
  }

  /** Extra ms a slow device takes before this reply (FaultSpec.slowMs), drawn per reply; applies without wire timing too. */
  slowMs(): number {
    return slowDelayMs(this.faults, this.random);
  }

  /**
   * Waits `delayMs` of real time, then writes unless closed meanwhile (a vanished peer is ignored). The wait for
   * the write ends at close() too: on a pty nobody reads, the write blocks once the kernel buffers are full.
   */
  async sendAfter(delayMs: number, bytes: Uint8Array): Promise<void> {
    if (delayMs > 0) await this.closing.race(lineDelay(delayMs));
    if (this.isClosed) return;
    await this.closing.race(this.sim.line.write(bytes).catch(() => {}));
  }

  /** The handle given to callers. */
  running(hooks: SimHooks = {}): RunningSimulator {
    return {
      physical: this.physical,
      address: this.sim.address,
      setFaults: (f) => {
        this.faults = { ...f };
        hooks.onFaults?.(f);
      },
      resetRegisters: () => {
        this.physical.setRegisters(0, 0);
        hooks.onReset?.();
      },
      close: async () => {
        this.isClosed = true;
        this.closing.fire();
        await this.chain;
        await hooks.onClose?.();
        await this.sim.close();
      },
    };
  }
}
