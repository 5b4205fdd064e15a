// The physics cross-check the UART and IEC 62056-21 driver tests and bench/energy-agreement.ts run: the simulator
// plays a fixed operating point on a manual clock, the driver samples it at steps through an interval, and the
// energy register's advance (after whPerCount) must agree with the integral of the driver's own power readings
// within the register resolution + 0.5 %.
// The simulators derive energy from power x time and encode it by the chip's documented transfer function, so a
// wrong driver constant (or a simulator that shares it) fails here.
import type { ManualClock } from '../clock.js';
import type { RunningSimulator } from '../catalog.js';
import { energyRegisters, type EnergyRegister, type MeterDriver, type MeterSample } from '../meter-driver.js';
import { toNumber } from '../rational.js';
import type { OperatingPoint } from './physical-meter.js';
import { sampleUntil } from './sample-until.js';

export interface Agreement {
  registerWh: number;
  integratedWh: number;
  /** One register count, Wh. */
  resolutionWh: number;
  /** (register - integral) / integral. */
  diffFraction: number;
  /** |register - integral| <= resolution + 0.5 % of the integral. */
  ok: boolean;
}

export interface CrossCheck {
  clock: ManualClock;
  sim: RunningSimulator;
  drv: MeterDriver;
  point: OperatingPoint;
  durationMs: number;
  steps: number;
  /** Which register counts the energy of this flow (default: the first one of the sample). */
  register?: (s: MeterSample) => EnergyRegister;
  /** A sample that reflects the clock's new time (streaming chips may still send older frames). */
  fresh?: (drv: MeterDriver, prev: MeterSample) => Promise<MeterSample>;
}

const firstRegister = (s: MeterSample): EnergyRegister => energyRegisters(s)[0]![1];

/** Counts between two reads of one register, across a hardware wrap (at most one per step). */
function advanceCounts(a: EnergyRegister, b: EnergyRegister): bigint {
  let d = b.value - a.value;
  if (d < 0n && a.counterBits !== null && !a.accumulatedByDriver) d += 1n << BigInt(a.counterBits);
  if (d < 0n) throw new Error(`register went backwards from ${a.value} to ${b.value}`);
  return d;
}

export async function crossCheck(c: CrossCheck): Promise<Agreement> {
  const reg = c.register ?? firstRegister;
  const fresh = c.fresh ?? ((d) => d.sample());
  c.sim.physical.force(c.point);
  // A streaming chip may still deliver frames from before the force: wait until the power reading shows the point.
  const truthW = Math.abs(c.sim.physical.state().powerW);
  let prev = await sampleUntil(c.drv, (s) => Math.abs(Math.abs(s.instant.powerW ?? 0) - truthW) <= 0.01 * truthW);
  let counts = 0n;
  let integratedWh = 0;
  const stepMs = c.durationMs / c.steps;
  for (let i = 0; i < c.steps; i++) {
    await c.clock.advance(stepMs);
    const next = await fresh(c.drv, prev);
    counts += advanceCounts(reg(prev), reg(next));
    // Trapezoid of the driver's own power readings over the step (power flows one way in a run).
    integratedWh += (Math.abs(prev.instant.powerW ?? 0) + Math.abs(next.instant.powerW ?? 0)) / 2 * (stepMs / 3_600_000);
    prev = next;
  }
  const whPerCount = toNumber(reg(prev).whPerCount);
  const registerWh = Number(counts) * whPerCount;
  // A float32 register cannot resolve less than its unit in the last place at this magnitude.
  const resolutionWh = Math.max(whPerCount, reg(prev).floatUlpWh ?? 0);
  const diff = registerWh - integratedWh;
  return {
    registerWh,
    integratedWh,
    resolutionWh,
    diffFraction: integratedWh > 0 ? diff / integratedWh : 0,
    ok: Math.abs(diff) <= resolutionWh + 0.005 * integratedWh,
  };
}

/** Three loads at three power factors (230 V, 50 Hz): the operating points every driver is checked at. */
export const CROSS_CHECK_POINTS: { name: string; point: OperatingPoint }[] = [
  { name: '460 W at PF 1', point: { voltageV: 230, currentA: 2, phaseDeg: 0, frequencyHz: 50 } },
  { name: '1472 W at PF 0.8 lagging', point: { voltageV: 230, currentA: 8, phaseDeg: 36.869897645844, frequencyHz: 50 } },
  { name: '1840 W at PF 0.5 leading', point: { voltageV: 230, currentA: 16, phaseDeg: -60, frequencyHz: 50 } },
];

export const describe = (a: Agreement): string =>
  `register ${a.registerWh.toFixed(3)} Wh vs integral of power ${a.integratedWh.toFixed(3)} Wh: ${(a.diffFraction * 100).toFixed(3)} % (resolution ${a.resolutionWh.toPrecision(4)} Wh)`;
