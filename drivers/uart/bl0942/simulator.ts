// A simulated BL0942 on a serial line: answers read-all and register reads after the wire time at the
// configured baud, accepts register writes, and injects the faults of a FaultSpec.
import type { RunningSimulator, SimulatorOptions } from '../../catalog.js';
import { damagedReply, drawFault } from '../sim-faults.js';
import { SerialSim } from '../sim-line.js';
import { BL0942_BOARDS, type Bl0942Board } from './board.js';
import {
  BL0942_READ_ALL,
  BL0942_REG,
  BL0942_UNLOCK,
  decodeBl0942Write,
  encodeBl0942Packet,
  encodeBl0942RegisterReply,
  type Bl0942Packet,
} from './codec.js';
import { BL0942_LINE } from './driver.js';

/** Chip turnaround between the end of a request and the first reply bit. */
const TURNAROUND_MS = 1;
const MAX24 = 0x7fffff;

export interface Bl0942SimOptions extends Omit<SimulatorOptions, 'board'> {
  /** The simulated board's gains (catalog callers resolve a BoardChoice with bl0942Board). */
  board?: Bl0942Board;
  addr?: number;
}

/**
 * CF_CNT pulses for `joules` of energy by the datasheet's CF period (one pulse every 1638.4 x 256 / WATT s, WATT =
 * P x PREF): joules x PREF / 419 430.4. Uses the board's power gain only, never EREF (the driver's constant).
 */
export function cfPulses(joules: number, board: Bl0942Board): number {
  // The epsilon absorbs double rounding of the physics (n - 1e-9 pulses must count as n).
  return Math.floor((joules * Number(board.pref)) / (1638.4 * 256) + 1e-6);
}

/** Register counts from a physical state under a board's constants (what a real chip would show). */
export function bl0942PacketFor(
  s: { voltageV: number[]; currentA: number[]; powerW: number; frequencyHz: number; importWh: number; exportWh: number },
  board: Bl0942Board,
): Bl0942Packet {
  const clamp24 = (x: number) => Math.max(-MAX24, Math.min(MAX24, Math.round(x)));
  const iRms = Math.min(0xffffff, Math.round(s.currentA[0]! * Number(board.iref)));
  return {
    iRms,
    vRms: Math.min(0xffffff, Math.round(s.voltageV[0]! * Number(board.uref))),
    iFastRms: iRms,
    watt: clamp24(s.powerW * Number(board.pref)),
    // CF_CNT_ADD_SEL = 1 (reset default): the counter accumulates |E| in both directions; WATT carries the sign.
    cfCnt: cfPulses((s.importWh + s.exportWh) * 3600, board) % 0x1000000,
    freq: Math.round(1_000_000 / s.frequencyHz),
    status: 0,
  };
}

export async function startBl0942Simulator(o: Bl0942SimOptions): Promise<RunningSimulator> {
  const board = o.board ?? BL0942_BOARDS.default!;
  const addr = o.addr ?? o.unit ?? 0;
  const sim = await SerialSim.open(o, 'BL0942', BL0942_LINE, 1);
  let frozen: Bl0942Packet | null = null;
  const regs = new Map<number, number>([[BL0942_REG.MODE, 0x87]]);
  let inbox: number[] = [];

  const packet = (): Bl0942Packet => {
    if (sim.faults.frozen && frozen) return frozen;
    const p = bl0942PacketFor(sim.physical.state(), board);
    frozen = p;
    return p;
  };

  const reply = (reqLen: number, make: () => Uint8Array): void => {
    sim.serially(async () => {
      const fault = drawFault(sim.faults, sim.random);
      if (fault === 'timeout' || sim.closed) return;
      const out = damagedReply(make(), fault, sim.random);
      await sim.sendAfter(sim.replyDelayMs(reqLen + out.length, TURNAROUND_MS) + sim.slowMs(), out);
    });
  };

  sim.line.onData((chunk) => {
    inbox.push(...chunk);
    while (inbox.length > 0) {
      const b0 = inbox[0]!;
      if ((b0 & 0xfc) === 0x58) {
        if (inbox.length < 2) break;
        const reg = inbox[1]!;
        inbox = inbox.slice(2);
        if ((b0 & 3) !== addr) continue;
        if (reg === BL0942_READ_ALL) reply(2, () => encodeBl0942Packet(packet(), addr));
        else reply(2, () => encodeBl0942RegisterReply(reg, regs.get(reg) ?? 0, addr));
      } else if ((b0 & 0xfc) === 0xa8) {
        if (inbox.length < 6) break;
        const frame = Uint8Array.from(inbox.slice(0, 6));
        inbox = inbox.slice(6);
        try {
          const w = decodeBl0942Write(frame);
          if (w.addr !== addr) continue;
          // Writes other than the unlock itself need USR_WRPROT = 0x55, as on the chip.
          if (w.reg === BL0942_REG.USR_WRPROT || regs.get(BL0942_REG.USR_WRPROT) === BL0942_UNLOCK) regs.set(w.reg, w.value);
        } catch {
          // A corrupted write is ignored by the chip.
        }
      } else {
        inbox.shift();
      }
    }
  });

  return sim.running({
    onFaults: (f) => {
      if (!f.frozen) frozen = null;
    },
    onReset: () => {
      frozen = null;
    },
  });
}
