// The options that say which bench to use (simulated or real instruments and DUT), and opening it.
import { Option, type Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { ConfigError } from '../../../drivers/errors.js';
import { catalog, parseConnection, type Parity } from '../../../drivers/catalog.js';
import type { Plan } from '../../../calibration/plan/plan-schema.js';
import { realSetup, simulatedSetup, IN_PROCESS_MODELS, type BenchSetup } from '../../../calibration/run/bench-setup.js';
import { PRESET_CURVES } from '../../../calibration/sim/dut-error-curves.js';
import { num } from './common.js';
import { readBenchSetupFile } from '../../../calibration/run/bench-setup-file.js';

export function addBenchOptions(c: Command): Command {
  return c
    .option('--simulate', 'start a simulated source, reference standard and DUT (no hardware)')
    .option('--dut-model <id>', `DUT model: ${[...catalog.keys()].join(', ')}; in simulation also ${IN_PROCESS_MODELS.join(', ')} (default sim-meter)`)
    .option('--dut-tcp <host:port>', 'DUT over Modbus TCP')
    .option('--dut-serial <path>', 'DUT on a serial port')
    .option('--dut-baud <n>', 'DUT serial baud rate', num('--dut-baud'))
    .addOption(new Option('--dut-parity <p>', 'DUT serial parity').choices(['none', 'even', 'odd']))
    .option('--dut-unit <n>', 'DUT Modbus unit id', num('--dut-unit'))
    .option('--setup <file>', 'bench setup file (YAML): instrument ports and command dialects, e.g. reference: {port: /dev/ttyUSB2, dialect: yokogawa-wt300e}, source: {dialect: keysight-ac6800b}, load: {port: ...}')
    .option('--source <port>', 'serial port of the programmable source')
    .option('--reference <port|manual>', 'serial port of the reference standard, or "manual" to type its readings')
    .option('--temperature <C>', 'ambient temperature, deg C, when no instrument on the bench measures it', num('--temperature'))
    .option('--humidity <pct>', 'relative humidity, %, when no instrument measures it', num('--humidity'))
    .option('--instrument-baud <n>', 'baud rate of the instruments', num('--instrument-baud'), 115200)
    .option('--dut-error <curve>', `simulated DUT error curve: ${PRESET_CURVES.join(', ')} or a YAML/JSON file`, 'pass')
    .option('--chip-gain-error <fraction>', 'simulated chip gain error before calibration (sim-atm90e26, atm90e26)', num('--chip-gain-error'), 0.03)
    .option('--chip-phase-error <deg>', 'simulated chip phase error before calibration, degrees', num('--chip-phase-error'), 0.6)
    .option('--speed <n>', 'simulated bench clock speed (pty simulation)', num('--speed'), 2000)
    .option('--in-process', 'simulate without ptys on a virtual clock (fastest; in-process DUT models only)')
    .option('--seed <n>', 'seed of the simulated noise', num('--seed'))
    .option('--ref-error <fraction>', 'simulated reference standard systematic error (default 0.0001)', num('--ref-error'))
    .option('--ref-noise <fraction>', 'simulated reference read noise, standard deviation (default 0.0002)', num('--ref-noise'))
    .option('--source-error <fraction>', 'simulated source setting error (default 0.001)', num('--source-error'));
}

export interface BenchOpts {
  simulate?: boolean;
  dutModel?: string;
  dutTcp?: string;
  dutSerial?: string;
  dutBaud?: number;
  dutParity?: Parity;
  dutUnit?: number;
  source?: string;
  reference?: string;
  instrumentBaud: number;
  setup?: string;
  temperature?: number;
  humidity?: number;
  dutError: string;
  chipGainError: number;
  chipPhaseError: number;
  speed: number;
  inProcess?: boolean;
  seed?: number;
  refError?: number;
  refNoise?: number;
  sourceError?: number;
}

export async function openBench(plan: Plan, o: BenchOpts): Promise<BenchSetup> {
  const file = o.setup ? readBenchSetupFile(o.setup) : null;
  if (o.simulate) {
    return simulatedSetup(plan, {
      dutModel: o.dutModel ?? 'sim-meter',
      dutError: o.dutError,
      chipGainError: o.chipGainError,
      chipPhaseErrorDeg: o.chipPhaseError,
      speed: o.speed,
      inProcess: !!o.inProcess,
      seed: o.seed,
      referenceError: o.refError,
      referenceNoise: o.refNoise,
      sourceError: o.sourceError,
      referenceDialect: file?.reference.dialect,
      sourceDialect: file?.source.dialect,
    });
  }
  o = { ...o, source: o.source ?? file?.source.port, reference: o.reference ?? file?.reference.port };
  if (!o.dutModel) throw new ConfigError('bench-options', 'give --dut-model (a catalog model id) or --simulate');
  if (!o.source) throw new ConfigError('bench-options', 'give --source PORT (the programmable source) or --simulate');
  if (!o.reference) throw new ConfigError('bench-options', 'give --reference PORT, or --reference manual to type readings, or --simulate');
  let rl: ReturnType<typeof createInterface> | null = null;
  const ask = async (q: string): Promise<string> => {
    rl ??= createInterface({ input: process.stdin, output: process.stderr });
    return rl.question(q);
  };
  const setup = await realSetup(plan, {
    dutModel: o.dutModel,
    dutConn: parseConnection({ tcp: o.dutTcp, serial: o.dutSerial, baud: o.dutBaud, parity: o.dutParity }),
    dutUnit: o.dutUnit,
    source: o.source,
    reference: o.reference,
    baudRate: file?.baud ?? o.instrumentBaud,
    ask,
    referenceDialect: file?.reference.dialect,
    sourceDialect: file?.source.dialect,
    load: file?.load?.port,
  });
  return { ...setup, close: async () => { (rl as ReturnType<typeof createInterface> | null)?.close(); await setup.close(); } };
}
