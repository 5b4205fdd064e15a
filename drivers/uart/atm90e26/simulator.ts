// A simulated ATM90E26 on a serial line: answers reads and writes after the wire time, from a chip model
// driven by a PhysicalMeter, with the faults of a FaultSpec. A "no reply" fault models a request lost on
// the line (the chip never saw it); checksum and garbage faults model a reply corrupted after the chip
// acted on the request (so a read-and-clear register is cleared and LastData holds its value).
import type { FaultSpec, RunningSimulator, SimulatorOptions } from '../../catalog.js';
import { physicalMeterFor } from '../../sim/physical-meter.js';
import { wireTimeMs } from '../../sim/wire-timing.js';
import { lineDelay } from '../serial-line.js';
import { corruptChecksum, drawFault, garbage } from '../sim-faults.js';
import { openSimLine } from '../sim-line.js';
import { ATM90E26_BOARDS, type Atm90e26Board } from './board.js';
import { Atm90e26ChipModel, NO_CHIP_ERRORS, type Atm90e26ChipErrors } from './chip-model.js';
import { ATM90E26_LINE } from './client.js';
import { ATM90E26_START, atm90e26WriteAck, decodeAtm90e26Request, encodeAtm90e26ReadReply } from './codec.js';

const TURNAROUND_MS = 1;

export interface Atm90e26SimOptions extends SimulatorOptions {
  board?: Atm90e26Board;
  /** Analog errors before calibration (default none; UNCALIBRATED_CHIP_ERRORS for bench exercises). */
  chipErrors?: Atm90e26ChipErrors;
}

export interface RunningAtm90e26Simulator extends RunningSimulator {
  readonly chip: Atm90e26ChipModel;
}

export async function startAtm90e26Simulator(o: Atm90e26SimOptions): Promise<RunningAtm90e26Simulator> {
  const rnd = o.random ?? Math.random;
  const board = o.board ?? ATM90E26_BOARDS.default!;
  const physical = physicalMeterFor(o, 1);
  const chip = new Atm90e26ChipModel(board.meterConstantImpPerKwh, o.chipErrors ?? NO_CHIP_ERRORS);
  chip.advance(physical.state());
  const sim = await openSimLine(o.listen, 'ATM90E26', ATM90E26_LINE);
  sim.line.buffering = false;
  let faults: FaultSpec = { ...(o.faults ?? {}) };
  let inbox: number[] = [];
  let chain = Promise.resolve();
  let closed = false;

  const handle = (frame: Uint8Array): void => {
    chain = chain.then(async () => {
      if (closed) return;
      const fault = drawFault(faults, rnd);
      if (fault === 'timeout') return;
      let req;
      try {
        req = decodeAtm90e26Request(frame);
      } catch {
        return; // the chip ignores a corrupted request
      }
      chip.advance(physical.state(), faults.frozen);
      let out: Uint8Array;
      if (req.kind === 'read') out = encodeAtm90e26ReadReply(chip.read(req.addr));
      else {
        chip.write(req.addr, req.value);
        out = Uint8Array.of(atm90e26WriteAck(req.addr, req.value));
      }
      if (fault === 'checksum') out = corruptChecksum(out);
      if (fault === 'garbage') out = garbage(rnd, out.length);
      if (o.wireTiming !== false) await lineDelay(wireTimeMs(frame.length + out.length, sim.line.options) + TURNAROUND_MS);
      if (!closed) await sim.line.write(out).catch(() => {});
    });
  };

  sim.line.onData((chunk) => {
    inbox.push(...chunk);
    while (inbox.length > 0) {
      if (inbox[0] !== ATM90E26_START) {
        inbox.shift();
        continue;
      }
      if (inbox.length < 2) break;
      const n = inbox[1]! & 0x80 ? 3 : 5;
      if (inbox.length < n) break;
      handle(Uint8Array.from(inbox.slice(0, n)));
      inbox = inbox.slice(n);
    }
  });

  return {
    physical,
    chip,
    address: sim.address,
    setFaults(f) {
      faults = { ...f };
    },
    resetRegisters() {
      physical.setRegisters(0, 0);
      chip.clearEnergy();
      chip.advance(physical.state());
    },
    async close() {
      closed = true;
      await chain;
      await sim.close();
    },
  };
}
