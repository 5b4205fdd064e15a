// A simulated ATM90E26 on a serial line: answers reads and writes after the wire time, from a chip model
// driven by a PhysicalMeter, with the faults of a FaultSpec. A "no reply" fault models a request lost on
// the line (the chip never saw it); checksum and garbage faults model a reply corrupted after the chip
// acted on the request (so a read-and-clear register is cleared and LastData holds its value).
import type { RunningSimulator, SimulatorOptions } from '../../catalog.js';
import { damagedReply, drawFault } from '../sim-faults.js';
import { SerialSim } from '../sim-line.js';
import { ATM90E26_BOARDS, type Atm90e26Board } from './board.js';
import { Atm90e26ChipModel, NO_CHIP_ERRORS, type Atm90e26ChipErrors } from './chip-model.js';
import { ATM90E26_LINE } from './client.js';
import { ATM90E26_START, atm90e26WriteAck, decodeAtm90e26Request, encodeAtm90e26ReadReply } from './codec.js';

const TURNAROUND_MS = 1;

export interface Atm90e26SimOptions extends Omit<SimulatorOptions, 'board'> {
  /** The pulse rate the simulated chip is configured for (PLconst), CF pulses per kWh. */
  board?: Atm90e26Board;
  /** Analog errors before calibration (default none; UNCALIBRATED_CHIP_ERRORS for bench exercises). */
  chipErrors?: Atm90e26ChipErrors;
}

export interface RunningAtm90e26Simulator extends RunningSimulator {
  readonly chip: Atm90e26ChipModel;
}

export async function startAtm90e26Simulator(o: Atm90e26SimOptions): Promise<RunningAtm90e26Simulator> {
  const board = o.board ?? ATM90E26_BOARDS.default!;
  const sim = await SerialSim.open(o, 'ATM90E26', ATM90E26_LINE, 1);
  const physical = sim.physical;
  const chip = new Atm90e26ChipModel(board.meterConstantImpPerKwh, o.chipErrors ?? NO_CHIP_ERRORS);
  chip.advance(physical.state());
  let inbox: number[] = [];

  const handle = (frame: Uint8Array): void => {
    sim.serially(async () => {
      if (sim.closed) return;
      const fault = drawFault(sim.faults, sim.random);
      if (fault === 'timeout') return;
      let req;
      try {
        req = decodeAtm90e26Request(frame);
      } catch {
        return; // the chip ignores a corrupted request
      }
      chip.advance(physical.state(), sim.faults.frozen);
      let out: Uint8Array;
      if (req.kind === 'read') out = encodeAtm90e26ReadReply(chip.read(req.addr));
      else {
        chip.write(req.addr, req.value);
        out = Uint8Array.of(atm90e26WriteAck(req.addr, req.value));
      }
      out = damagedReply(out, fault, sim.random);
      await sim.sendAfter(sim.replyDelayMs(frame.length + out.length, TURNAROUND_MS) + sim.slowMs(), out);
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
    ...sim.running({
      onReset: () => {
        chip.clearEnergy();
        chip.advance(physical.state());
      },
    }),
    chip,
  };
}
