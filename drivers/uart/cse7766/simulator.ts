// A simulated CSE7766: streams a 24-byte frame back to back (about every 50 ms at 4800 8E1) from a
// PhysicalMeter, with the chip's range flags and the faults of a FaultSpec.
import type { RunningSimulator, SimulatorOptions } from '../../catalog.js';
import type { PhysicalState } from '../../sim/physical-meter.js';
import { wireTimeMs } from '../../sim/wire-timing.js';
import { lineDelay } from '../serial-line.js';
import { corruptChecksum, drawFault, garbage } from '../sim-faults.js';
import { SerialSim } from '../sim-line.js';
import { CSE7766_ADJ, CSE7766_NORMAL, encodeCse7766Frame, type Cse7766FrameFields } from './codec.js';
import { CSE7766_LINE } from './driver.js';

/** Coefficients of the simulated board (a Sonoff POW R2-like divider and shunt). */
export const CSE7766_SIM_COEFFICIENTS = { voltage: 190_000, current: 16_000, power: 5_000_000 } as const;
/** Below these the chip flags the cycle out of range ([V-code] ESPHome: minimum current 50 mA). */
const MIN_CURRENT_A = 0.05;
const MIN_POWER_W = 1;
const FRAME_INTERVAL_MS = 50;
const MAX24 = 0xffffff;

export function cse7766FieldsFor(s: PhysicalState, c: { voltage: number; current: number; power: number } = CSE7766_SIM_COEFFICIENTS): Cse7766FrameFields {
  const v = s.voltageV[0]!;
  const i = s.currentA[0]!;
  const p = Math.abs(s.powerW);
  const iLow = i < MIN_CURRENT_A;
  const pLow = p < MIN_POWER_W;
  const cycle = (coef: number, x: number) => Math.min(MAX24, Math.max(1, Math.round(coef / x)));
  const flags = (iLow ? 0x04 : 0) | (pLow ? 0x02 : 0);
  // The datasheet's P = Pcoef / Pcycle (cycle in microseconds) makes one CF pulse Pcoef microjoules of energy,
  // in either direction. Energy comes from the physical model (power x time), never from the driver's constant.
  const joules = (s.importWh + s.exportWh) * 3600;
  // The epsilon absorbs double rounding (9999.999999 J must count as 10 000 J).
  const pulses = Math.floor((joules * 1e6) / c.power + 1e-6);
  return {
    header: flags ? 0xf0 | flags : CSE7766_NORMAL,
    voltageCoef: c.voltage,
    voltageCycle: cycle(c.voltage, v),
    currentCoef: c.current,
    currentCycle: iLow ? MAX24 : cycle(c.current, i),
    powerCoef: c.power,
    powerCycle: pLow ? MAX24 : cycle(c.power, p),
    adj: CSE7766_ADJ.voltageValid | (iLow ? 0 : CSE7766_ADJ.currentValid) | (pLow ? 0 : CSE7766_ADJ.powerValid),
    cfPulses: pulses % 0x10000,
  };
}

export interface Cse7766SimOptions extends SimulatorOptions {
  /** Power coefficient of the simulated chip (default CSE7766_SIM_COEFFICIENTS.power). */
  powerCoef?: number;
}

export interface RunningCse7766Simulator extends RunningSimulator {
  /** Frames written so far, and whether a write is waiting for the line (nobody reads the other end). */
  readonly stats: { framesSent: number; writePending: boolean };
}

export async function startCse7766Simulator(o: Cse7766SimOptions): Promise<RunningCse7766Simulator> {
  const coefficients = { ...CSE7766_SIM_COEFFICIENTS, ...(o.powerCoef ? { power: o.powerCoef } : {}) };
  const sim = await SerialSim.open(o, 'CSE7766', CSE7766_LINE, 1);
  const rnd = sim.random;
  let last: Cse7766FrameFields | null = null;
  const frameTime = wireTimeMs(24, sim.line.options);
  const interval = o.frameIntervalMs ?? FRAME_INTERVAL_MS;
  const stats = { framesSent: 0, writePending: false };

  // The chip streams by itself: one task that runs until the simulator closes.
  sim.serially(async () => {
    while (!sim.closed) {
      const fault = drawFault(sim.faults, rnd);
      const fields: Cse7766FrameFields = sim.faults.frozen && last ? last : cse7766FieldsFor(sim.physical.state(), coefficients);
      last = fields;
      let out = encodeCse7766Frame(fields);
      if (fault === 'checksum') out = corruptChecksum(out);
      if (fault === 'garbage') out = Uint8Array.from([...garbage(rnd, 5 + Math.floor(rnd() * 30)), ...out]);
      if (fault !== 'timeout') {
        stats.writePending = true;
        await sim.sendAfter(0, out);
        stats.writePending = false;
        stats.framesSent++;
      }
      await lineDelay(Math.max(interval, sim.wireMs(out.length), sim.wireTiming ? frameTime : 0));
    }
  });

  return {
    ...sim.running({
      onReset: () => {
        last = null;
      },
    }),
    stats,
  };
}
