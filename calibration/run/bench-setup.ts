// Connects (or simulates) the three things a bench run needs: source, reference standard and device.
// Real benches: SCPI instruments on serial ports (or a manual reference) and a catalog driver for the DUT.
// Simulated benches: the same SCPI drivers talk to simulators on socat pty pairs (or, in-process, straight
// to the models), and the DUT is an in-process model or a catalog simulator driven by the source.
import { createServer } from 'node:net';
import { scaledClock, systemClock, type Clock } from '../../drivers/clock.js';
import { catalog, catalogEntry, type ConnectionSpec, type RunningSimulator } from '../../drivers/catalog.js';
import { ConfigError } from '../../drivers/errors.js';
import type { MeterDriver } from '../../drivers/meter-driver.js';
import type { BenchSource, ReferenceStandard } from '../instruments/instrument-types.js';
import { ManualReference, type Ask } from '../instruments/manual-reference.js';
import { ScpiReference } from '../instruments/scpi-reference.js';
import type { Plan } from '../plan/plan-schema.js';
import { errorCurveFrom } from '../sim/dut-error-curves.js';
import { ReferenceCommandHandler } from '../sim/reference-command-handler.js';
import { serveScpi } from '../sim/scpi-serial-server.js';
import { simulatedBench } from '../sim/simulated-bench.js';
import { SimChipDut, type ChipCalibrationPort } from '../sim/sim-dut.js';
import { socatPair } from '../sim/socat-pty.js';
import { VirtualClock } from '../sim/virtual-clock.js';
import { atm90e26ChipPort } from '../calibrate/atm90e26-port.js';
import { WtReference } from '../instruments/wt-reference.js';
import { WtCommandHandler } from '../sim/wt-command-handler.js';
import type { REFERENCE_DIALECTS } from './bench-setup-file.js';
import { checkSourceDialect, openSource, serveSimulatedSource, type SourceDialect } from './source-dialects.js';

export const IN_PROCESS_MODELS = ['sim-meter', 'sim-atm90e26'] as const;

export interface SimulateOptions {
  dutModel: string;
  dutError: string;
  chipGainError: number;
  chipPhaseErrorDeg: number;
  /** Clock speed for the pty bench (ignored in-process, where time jumps). */
  speed: number;
  inProcess: boolean;
  seed?: number;
  /** Simulated reference standard: systematic error and read noise (standard deviation), fractions. */
  referenceError?: number;
  referenceNoise?: number;
  /** Simulated source setting error, fraction. */
  sourceError?: number;
  /** Command dialect of the simulated reference on its pty (default the project's SCPI set). */
  referenceDialect?: (typeof REFERENCE_DIALECTS)[number];
  /** Command dialect of the simulated source (keysight-ac6800b adds a simulated phantom load). */
  sourceDialect?: SourceDialect;
}

export interface RealOptions {
  dutModel: string;
  dutConn: ConnectionSpec;
  dutUnit?: number;
  source: string;
  /** A serial port, or "manual" for operator-entered readings. */
  reference: string;
  baudRate?: number;
  ask?: Ask;
  referenceDialect?: (typeof REFERENCE_DIALECTS)[number];
  sourceDialect?: SourceDialect;
  /** The phantom load's serial port (with keysight-ac6800b). */
  load?: string;
}

export interface BenchSetup {
  clock: Clock;
  source: BenchSource;
  reference: ReferenceStandard;
  dut: MeterDriver;
  /** Present when the DUT has calibration registers the bench can write. */
  chip: ChipCalibrationPort | null;
  /** True when anything on the bench is simulated. */
  simulated: boolean;
  /** The DUT's phase count as its catalog entry states it (in-process simulated DUTs follow the plan). */
  dutPhases: number;
  describe: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export async function simulatedSetup(plan: Plan, o: SimulateOptions): Promise<BenchSetup> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
  };
  try {
    checkSourceDialect(plan, o.sourceDialect ?? 'amsgate-scpi');
    if (o.inProcess && (o.sourceDialect ?? 'amsgate-scpi') !== 'amsgate-scpi') throw new ConfigError('in-process-dialect', '--in-process has no instrument dialects; leave it out to run the dialect simulators on ptys');
    const baseClock: Clock = o.inProcess ? new VirtualClock(Date.now()) : scaledClock(o.speed);
    const ratings = { unV: plan.device.unV, inA: plan.device.inA, imaxA: plan.device.imaxA };
    const curve = errorCurveFrom(o.dutError, ratings);
    const isChip = o.dutModel === 'sim-atm90e26';
    const bench = simulatedBench({
      plan,
      clock: baseClock,
      dut: isChip ? { chip: { gainError: o.chipGainError, phaseErrorDeg: o.chipPhaseErrorDeg, voltageRmsError: 0.01, currentRmsError: -0.015 } } : { curve },
      seed: o.seed,
      referenceError: o.referenceError,
      referenceNoise: o.referenceNoise,
      sourceError: o.sourceError,
    });
    let dut: MeterDriver = bench.dut;
    let chip: ChipCalibrationPort | null = isChip ? (bench.dut as SimChipDut) : null;
    let dutPhases: number = plan.device.phases;
    let simPhysical: RunningSimulator['physical'] | null = null;
    if (!(IN_PROCESS_MODELS as readonly string[]).includes(o.dutModel)) {
      const entry = catalogEntry(o.dutModel);
      dutPhases = entry.phases;
      if (o.inProcess) throw new ConfigError('in-process-catalog', `--in-process runs only the in-process models (${IN_PROCESS_MODELS.join(', ')}); catalog model ${o.dutModel} needs the pty bench`);
      let listen: ConnectionSpec;
      let conn: ConnectionSpec;
      let pair = null;
      if (entry.transport === 'modbus') {
        const port = await freePort();
        listen = { tcp: `127.0.0.1:${port}` };
        conn = listen;
      } else {
        pair = await socatPair('dut');
        closers.push(pair.close);
        listen = { serial: pair.server };
        conn = { serial: pair.client };
      }
      const simOpts = {
        listen,
        clock: bench.clock,
        profile: 'constant' as const,
        ratingW: 0,
        errorFraction: o.dutModel === 'atm90e26' ? undefined : curve,
        wireTiming: false,
        // The ATM90E26 simulator takes chip errors that its calibration registers correct.
        chipErrors: { voltageGain: 0.01, currentGain: -0.015, powerGain: o.chipGainError, phaseDeg: -o.chipPhaseErrorDeg },
      };
      const sim: RunningSimulator = await entry.startSimulator(simOpts);
      closers.push(() => sim.close());
      bench.line.attach(sim.physical);
      simPhysical = sim.physical;
      dut = await entry.openDriver(conn, { clock: bench.clock });
      closers.push(() => dut.close());
      chip = o.dutModel === 'atm90e26' ? await atm90e26ChipPort(dut) : null;
    }
    if (plan.method === 'pulse') {
      // The DUT's test output drives the reference's pulse input (at the plan's meter constant).
      const k = plan.device.meterConstantImpPerKWh!;
      const catalogSim = simPhysical;
      bench.reference.attachPulseOutput(catalogSim ? () => { const st = catalogSim.state(); return st.importWh + st.exportWh; } : () => bench.dut.meter.registeredWh(), k);
    }
    if (o.inProcess) {
      return { clock: bench.clock, source: bench.source, reference: bench.referenceInstrument, dut, chip, simulated: true, dutPhases, describe: `in-process simulated bench (virtual clock), DUT ${dut.modelId}`, close };
    }
    const sim = await serveSimulatedSource(bench.line, o.sourceDialect ?? 'amsgate-scpi');
    closers.push(sim.close);
    const refPair = await socatPair('reference');
    closers.push(refPair.close);
    const wt = o.referenceDialect === 'yokogawa-wt300e';
    const srv2 = await serveScpi(refPair.server, wt ? new WtCommandHandler(bench.reference) : new ReferenceCommandHandler(bench.reference));
    closers.push(srv2.close);
    const source = await openSource(o.sourceDialect ?? 'amsgate-scpi', sim.ports);
    closers.push(() => source.close());
    const reference: ReferenceStandard = wt ? await WtReference.open({ path: refPair.client, phases: plan.device.phases }) : await ScpiReference.open({ path: refPair.client });
    closers.push(() => reference.close());
    return {
      clock: bench.clock,
      source,
      reference,
      dut,
      chip,
      simulated: true,
      dutPhases,
      describe: `simulated bench on pty pairs (${sim.describe}, reference ${refPair.client}), clock x${o.speed}, DUT ${dut.modelId}`,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

export async function realSetup(plan: Plan, o: RealOptions): Promise<BenchSetup> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
  };
  try {
    const clock: Clock = systemClock;
    if (!catalog.has(o.dutModel)) catalogEntry(o.dutModel); // throws the named error listing known models
    checkSourceDialect(plan, o.sourceDialect ?? 'amsgate-scpi');
    const source = await openSource(o.sourceDialect ?? 'amsgate-scpi', { source: o.source, load: o.load, baudRate: o.baudRate });
    closers.push(() => source.close());
    let reference: ReferenceStandard;
    if (o.reference === 'manual') {
      if (!o.ask) throw new ConfigError('manual-reference', 'manual reference needs an interactive terminal');
      reference = new ManualReference(o.ask);
    } else {
      reference =
        o.referenceDialect === 'yokogawa-wt300e'
          ? await WtReference.open({ path: o.reference, baudRate: o.baudRate, phases: plan.device.phases })
          : await ScpiReference.open({ path: o.reference, baudRate: o.baudRate });
      closers.push(() => reference.close());
    }
    const dut = await catalogEntry(o.dutModel).openDriver(o.dutConn, { unit: o.dutUnit, clock });
    closers.push(() => dut.close());
    const chip = o.dutModel === 'atm90e26' ? await atm90e26ChipPort(dut) : null;
    return { clock, source, reference, dut, chip, simulated: false, dutPhases: catalogEntry(o.dutModel).phases, describe: `bench: source ${o.source}, reference ${o.reference}, DUT ${o.dutModel}`, close };
  } catch (e) {
    await close();
    throw e;
  }
}
