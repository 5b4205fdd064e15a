// `amsgate sim`: runs a simulated meter (any catalog entry) on Modbus TCP or a serial port until Ctrl-C.
import type { Command } from 'commander';
import { catalog, type ConnectionSpec, type FaultSpec, type Parity } from '../../drivers/catalog.js';
import { scaledClock, systemClock } from '../../drivers/clock.js';
import { ConfigError } from '../../drivers/errors.js';
import type { LoadProfileName } from '../../drivers/sim/load-profile.js';
import { commsExitCode, entryFor, intArg, parityArg } from './read.js';

const RATE_KEYS: Record<string, keyof FaultSpec> = { crc: 'crcErrorRate', timeout: 'timeoutRate', garbage: 'garbageRate' };

/** Parses "crc=0.1,timeout=0.05,garbage=0.01,exception=2,frozen" into a FaultSpec. */
export function parseFaultSpec(text: string): FaultSpec {
  const spec: FaultSpec = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key, value] = part.split('=', 2) as [string, string | undefined];
    if (key === 'frozen' && value === undefined) {
      spec.frozen = true;
    } else if (key in RATE_KEYS) {
      const r = Number(value);
      if (value === undefined || !Number.isFinite(r) || r < 0 || r > 1) {
        throw new ConfigError('option', `--fault ${key}=${value ?? ''}: expected a probability 0..1, e.g. ${key}=0.05`);
      }
      (spec as Record<string, number>)[RATE_KEYS[key]!] = r;
    } else if (key === 'exception') {
      const c = Number(value);
      if (!Number.isInteger(c) || c < 1 || c > 255) throw new ConfigError('option', `--fault exception=${value ?? ''}: expected a Modbus exception code 1..255`);
      spec.exceptionCode = c;
    } else {
      throw new ConfigError('option', `--fault "${part}" is not understood; expected crc=P, timeout=P, garbage=P, exception=CODE or frozen`);
    }
  }
  return spec;
}

const PROFILES: LoadProfileName[] = ['ev-charging', 'battery', 'constant'];

function profileArg(text: string): LoadProfileName {
  if (!(PROFILES as string[]).includes(text)) throw new ConfigError('option', `--profile is "${text}"; expected ${PROFILES.join(', ')}`);
  return text as LoadProfileName;
}

function numberArg(name: string, min: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isFinite(n) || n < min) throw new ConfigError('option', `${name} is "${text}"; expected a number >= ${min}`);
    return n;
  };
}

interface SimOptions {
  modelFile?: string;
  tcp?: string;
  serial?: string;
  baud?: number;
  parity?: Parity;
  unit: number;
  profile: LoadProfileName;
  rating?: number;
  speed: number;
  fault?: FaultSpec;
  startImportWh?: number;
  startExportWh?: number;
  wireTiming: boolean;
}

async function simCommand(modelId: string | undefined, o: SimOptions): Promise<void> {
  const entry = entryFor({ model: modelId, modelFile: o.modelFile });
  if (!o.tcp === !o.serial) throw new ConfigError('connection', 'give exactly one of --tcp host:port or --serial PATH to listen on');
  const listen: ConnectionSpec = o.tcp ? { tcp: o.tcp } : { serial: o.serial!, baud: o.baud, parity: o.parity };
  const clock = o.speed === 1 ? systemClock : scaledClock(o.speed);
  let sim;
  try {
    sim = await entry.startSimulator({
      listen,
      unit: o.unit,
      clock,
      profile: o.profile,
      ratingW: o.rating,
      faults: o.fault,
      initialImportWh: o.startImportWh,
      initialExportWh: o.startExportWh,
      wireTiming: o.wireTiming,
    });
  } catch (e) {
    const code = commsExitCode(e);
    if (code === null) throw e;
    process.stderr.write(`amsgate sim: ${(e as Error).message}\n`);
    process.exitCode = code;
    return;
  }
  const where = 'tcp' in listen ? `tcp ${sim.address}` : `serial ${sim.address}`;
  process.stdout.write(
    `amsgate sim: ${entry.id} (${entry.vendor} ${entry.model}) unit ${o.unit} listening on ${where}\n` +
      `profile ${o.profile}${o.rating ? ` ${o.rating} W` : ''}, speed x${o.speed}${o.fault ? `, faults ${JSON.stringify(o.fault)}` : ''}; Ctrl-C to stop\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sim.close();
  process.stdout.write('amsgate sim: stopped\n');
}

export function register(program: Command): void {
  program
    .command('sim')
    .description(
      'Run a simulated meter: a physical model (load profile, energy integrated over time) behind the meter\'s\n' +
        'own register map, on Modbus TCP or a serial port (e.g. one end of a socat pty pair). Runs until Ctrl-C.',
    )
    .argument('[model]', `meter model: ${[...catalog.keys()].join(', ')} (or --model-file)`)
    .option('--model-file <file>', 'simulate a meter model given as a YAML or JSON file (docs/meter-models.md); it speaks the file\'s own map')
    .option('--tcp <host:port>', 'listen on Modbus TCP (port 0 picks a free port and prints it)')
    .option('--serial <path>', 'serve Modbus RTU (or the chip protocol) on this serial port; a path that does not exist yet becomes a pty pair (clients open PATH)')
    .option('--baud <n>', 'serial baud rate (default: the model\'s factory setting)', intArg('--baud', 300, 4_000_000))
    .option('--parity <p>', 'serial parity: none, even or odd', parityArg)
    .option('--unit <n>', 'Modbus unit id to answer as', intArg('--unit', 1, 247), 1)
    .option('--profile <name>', `load profile: ${PROFILES.join(', ')}`, profileArg, 'constant' as LoadProfileName)
    .option('--rating <W>', 'peak power of the profile in watts', numberArg('--rating', 0))
    .option('--speed <n>', 'run simulated time n times faster than real time', numberArg('--speed', 0.001), 1)
    .option('--fault <spec>', 'inject faults: crc=P,timeout=P,garbage=P (probabilities per request), exception=CODE, frozen', parseFaultSpec)
    .option('--start-import-wh <n>', 'start the import register here (Wh), e.g. just below a counter wrap', numberArg('--start-import-wh', 0))
    .option('--start-export-wh <n>', 'start the export register here (Wh)', numberArg('--start-export-wh', 0))
    .option('--no-wire-timing', 'on a serial port, reply at once instead of after the simulated wire time')
    .addHelpText(
      'after',
      `
Examples:
  amsgate sim sdm630 --tcp 127.0.0.1:1502
  amsgate sim em340 --tcp 127.0.0.1:1502 --profile ev-charging --speed 60 --start-import-wh 214748354800
  amsgate sim b23 --serial /tmp/meter --parity even --unit 3 --fault crc=0.05,timeout=0.02
  amsgate read --model b23 --serial /tmp/meter --parity even --unit 3
    (/tmp/meter did not exist: the simulator made a socat pty pair and serves on /tmp/meter.sim)`,
    )
    .action(async (model: string | undefined, o: SimOptions) => simCommand(model, o));
}
