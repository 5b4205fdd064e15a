// `amsgate sim`: runs a simulated meter (any catalog entry) on Modbus TCP or a serial port until Ctrl-C.
import type { Command } from 'commander';
import { catalog, type ConnectionSpec, type FaultSpec, type Parity } from '../../drivers/catalog.js';
import { scaledClock, systemClock } from '../../drivers/clock.js';
import { ConfigError } from '../../drivers/errors.js';
import type { LoadProfileName } from '../../drivers/sim/load-profile.js';
import { commsExitCode, entryFor, intArg, parityArg } from './read.js';

const RATE_KEYS: Record<string, keyof FaultSpec> = {
  crc: 'crcErrorRate',
  timeout: 'timeoutRate',
  garbage: 'garbageRate',
  'slow-rate': 'slowRate',
};

/** What --fault sets up: the simulator's faults, plus an optional meter reset after some seconds. */
export interface SimFaults {
  faults: FaultSpec;
  /** Real seconds after the start at which the energy registers restart at zero (a replaced or reset meter). */
  resetAfterS?: number;
}

const UNDERSTOOD = 'crc=P, timeout=P, garbage=P, slow=MS, slow-rate=P, exception=CODE, frozen or reset=SECONDS';

/** Parses "crc=0.1,timeout=0.05,garbage=0.01,exception=2,frozen,slow=400,slow-rate=0.5,reset=30". */
export function parseSimFaults(text: string): SimFaults {
  const spec: FaultSpec = {};
  const out: SimFaults = { faults: spec };
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
    } else if (key === 'slow') {
      const ms = Number(value);
      if (value === undefined || !Number.isInteger(ms) || ms < 1 || ms > 600_000) {
        throw new ConfigError('option', `--fault slow=${value ?? ''}: expected the extra reply delay in ms, an integer 1..600000, e.g. slow=400`);
      }
      spec.slowMs = ms;
    } else if (key === 'reset') {
      const sec = Number(value);
      if (value === undefined || !Number.isFinite(sec) || sec < 0) {
        throw new ConfigError('option', `--fault reset=${value ?? ''}: expected seconds after the start (>= 0) at which the energy registers restart at zero, e.g. reset=30`);
      }
      out.resetAfterS = sec;
    } else {
      throw new ConfigError('option', `--fault "${part}" is not understood; expected ${UNDERSTOOD}`);
    }
  }
  return out;
}

/** The simulator faults of a --fault text (without the reset schedule). */
export const parseFaultSpec = (text: string): FaultSpec => parseSimFaults(text).faults;

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
  fault?: SimFaults;
  startImportWh?: number;
  startExportWh?: number;
  wireTiming: boolean;
  frameInterval?: number;
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
      faults: o.fault?.faults,
      initialImportWh: o.startImportWh,
      initialExportWh: o.startExportWh,
      wireTiming: o.wireTiming,
      frameIntervalMs: o.frameInterval,
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
      `profile ${o.profile}${o.rating ? ` ${o.rating} W` : ''}, speed x${o.speed}${o.fault ? `, faults ${JSON.stringify(o.fault.faults)}` : ''}` +
      `${o.fault?.resetAfterS !== undefined ? `, meter reset after ${o.fault.resetAfterS} s` : ''}; SIGUSR2 resets the meter; Ctrl-C to stop\n`,
  );
  const running = sim;
  const reset = (why: string) => {
    running.resetRegisters();
    process.stdout.write(`amsgate sim: meter reset (${why}): energy registers restart at zero\n`);
  };
  const onUsr2 = () => reset('SIGUSR2');
  process.on('SIGUSR2', onUsr2);
  const resetTimer = o.fault?.resetAfterS !== undefined ? setTimeout(() => reset(`--fault reset=${o.fault!.resetAfterS}`), o.fault.resetAfterS * 1000) : null;
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  if (resetTimer) clearTimeout(resetTimer);
  process.off('SIGUSR2', onUsr2);
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
    .option(
      '--fault <spec>',
      'inject faults: crc=P,timeout=P,garbage=P (probabilities per request), exception=CODE, frozen, slow=MS (reply MS later;\n' +
        'slow-rate=P: only that share of replies), reset=SECONDS (energy registers restart at zero then; SIGUSR2 resets at once)',
      parseSimFaults,
    )
    .option('--start-import-wh <n>', 'start the import register here (Wh), e.g. just below a counter wrap', numberArg('--start-import-wh', 0))
    .option('--start-export-wh <n>', 'start the export register here (Wh)', numberArg('--start-export-wh', 0))
    .option('--no-wire-timing', 'on a serial port, reply at once instead of after the simulated wire time')
    .option('--frame-interval <ms>', 'streaming chips (cse7766): pause between frames (default the chip\'s 50 ms)', numberArg('--frame-interval', 0))
    .addHelpText(
      'after',
      `
Examples:
  amsgate sim sdm630 --tcp 127.0.0.1:1502
  amsgate sim em340 --tcp 127.0.0.1:1502 --profile ev-charging --speed 60 --start-import-wh 214748354800
  amsgate sim b23 --serial /tmp/meter --parity even --unit 3 --fault crc=0.05,timeout=0.02
  amsgate sim sdm120 --tcp 127.0.0.1:1502 --fault slow=400,slow-rate=0.5,reset=60
  amsgate read --model sdm120 --tcp 127.0.0.1:1502 --timeout 1000   (a 400 ms late reply still counts)
  amsgate read --model b23 --serial /tmp/meter --parity even --unit 3
    (/tmp/meter did not exist: the simulator made a socat pty pair and serves on /tmp/meter.sim)`,
    )
    .action(async (model: string | undefined, o: SimOptions) => simCommand(model, o));
}
