// Assembles a whole simulated bench in one process: source -> line -> (DUT, reference standard).
// Instruments are in-process here; host-cli wraps the same models in SCPI simulators on pty pairs.
import type { Clock } from '../../drivers/clock.js';
import { LatchedClock } from './latched-clock.js';
import type { Plan } from '../plan/plan-schema.js';
import { BenchLine } from './bench-line.js';
import { InProcessReference, InProcessSource } from './in-process-instruments.js';
import { ReferenceModel } from './reference-model.js';
import { SimChipDut, SimMeterDut, type ChipFaults } from './sim-dut.js';
import type { ErrorCurve } from './dut-error-curves.js';
import { rational, type Rational } from '../../drivers/rational.js';

export interface SimBenchOptions {
  plan: Plan;
  clock: Clock;
  /** A plain meter with this error curve, or a chip with calibration registers and these faults. */
  dut: { curve: ErrorCurve; exportCurve?: ErrorCurve; whPerCount?: Rational } | { chip: ChipFaults; whPerCount?: Rational };
  referenceError?: number;
  referenceNoise?: number;
  sourceError?: number;
  seed?: number;
  /** Accuracy class the simulated standard declares (SYST:ACC?), default the plan's. */
  referenceAccuracyPct?: number;
  ambient?: { temperatureC: number; humidityPct: number };
}

export interface SimBench {
  /** The clock every simulated load reads (pass it to catalog simulators attached to the line). */
  clock: LatchedClock;
  line: BenchLine;
  reference: ReferenceModel;
  dut: SimMeterDut;
  source: InProcessSource;
  referenceInstrument: InProcessReference;
}

export function simulatedBench(o: SimBenchOptions): SimBench {
  const phases = o.plan.device.phases;
  // Loads share one latched clock so a source switch reaches all of them at the same instant.
  const latch = o.clock instanceof LatchedClock ? o.clock : new LatchedClock(o.clock);
  o = { ...o, clock: latch };
  const dut =
    'chip' in o.dut
      ? new SimChipDut(o.clock, phases, o.dut.chip, o.dut.whPerCount ?? rational(1, 32))
      : new SimMeterDut(o.clock, phases, o.dut.curve, o.dut.whPerCount ?? rational(1, 100), 'sim-meter', o.dut.exportCurve);
  const reference = new ReferenceModel({
    clock: o.clock,
    phases,
    error: o.referenceError ?? 0.0001,
    noise: o.referenceNoise ?? 0.0002,
    accuracyPct: o.referenceAccuracyPct ?? o.plan.reference.accuracyPct,
    seed: o.seed ?? 7,
    ambient: o.ambient,
  });
  const line = new BenchLine([dut.meter, reference.meter], o.sourceError ?? 0.001, latch);
  return { clock: latch, line, reference, dut, source: new InProcessSource(line), referenceInstrument: new InProcessReference(reference) };
}
