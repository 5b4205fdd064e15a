// `amsgate read`: reads a meter through its catalog driver, once (for scripts) or as a live table.
import { energyRegisters } from '../../drivers/meter-driver.js';
import type { Command } from 'commander';
import { catalog, catalogEntry, catalogEntryFromFile, parseConnection, type CatalogEntry, type ConnectionSpec, type Parity } from '../../drivers/catalog.js';
import { systemClock } from '../../drivers/clock.js';
import { AmsgateError, ConfigError, DeviceError, FrameError, TimeoutError, TransportError } from '../../drivers/errors.js';
import type { EnergyRegister, MeterSample } from '../../drivers/meter-driver.js';
import { mul, rational, toFixed } from '../../drivers/rational.js';
import { EXIT } from '../exit-codes.js';
import { LiveTable } from '../live-table.js';
import { printJson, table } from '../output.js';

export function intArg(name: string, min: number, max: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError('option', `${name} is "${text}"; expected an integer ${min}..${max}`);
    return n;
  };
}

export function parityArg(text: string): Parity {
  if (text !== 'none' && text !== 'even' && text !== 'odd') throw new ConfigError('option', `--parity is "${text}"; expected none, even or odd`);
  return text;
}

const ratText = (r: { num: bigint; den: bigint }) => (r.den === 1n ? r.num.toString() : `${r.num}/${r.den}`);

/** Exact Wh of a register as a decimal string (three places when the resolution is not a whole Wh). */
export function registerWh(e: EnergyRegister): string {
  const wh = mul(rational(e.value), e.whPerCount);
  return wh.den === 1n ? wh.num.toString() : toFixed(wh, 3);
}

/** The JSON document of one sample: integer energy with its resolution, and the instantaneous values. */
export function sampleJson(model: string, unit: number, conn: ConnectionSpec, s: MeterSample): Record<string, unknown> {
  const energy: Record<string, unknown> = {};
  for (const [dir, e] of energyRegisters(s)) {
    energy[dir] = {
      value: e.value.toString(),
      whPerCount: ratText(e.whPerCount),
      wh: registerWh(e),
      kWh: toFixed(mul(rational(e.value), mul(e.whPerCount, rational(1n, 1000n))), 3),
      counterBits: e.counterBits,
      floatUlpWh: e.floatUlpWh,
    };
  }
  return { model, unit, connection: conn, at: new Date(s.at).toISOString(), atMs: s.at, energy, instant: s.instant, unavailable: s.unavailable ?? [], frameErrors: s.frameErrors, retries: s.retries };
}

const fmt = (v: number | undefined, places: number) => (v === undefined ? '-' : v.toFixed(places));

export function renderSample(title: string, s: MeterSample): string {
  const i = s.instant;
  const phases = Math.max(i.voltageV?.length ?? 0, i.currentA?.length ?? 0, i.phasePowerW?.length ?? 0, 1);
  const names = Array.from({ length: phases }, (_, k) => `L${k + 1}`);
  const row = (label: string, per: number[] | undefined, total: number | undefined, places: number) => [
    label,
    ...names.map((_, k) => fmt(per?.[k], places)),
    fmt(total, places),
  ];
  const inst = table(['quantity', ...names, 'total'], [
    row('voltage V', i.voltageV, undefined, 1),
    row('current A', i.currentA, undefined, 3),
    row('power W', i.phasePowerW, i.powerW, 1),
    row('power factor', i.phasePowerFactor, i.powerFactor, 3),
    row('frequency Hz', undefined, i.frequencyHz, 2),
  ]);
  const energyRows = energyRegisters(s).map(([dir, e]) => [
    dir === 'absolute' ? 'both directions' : dir,
    e.value.toString(),
    `${ratText(e.whPerCount)} Wh`,
    registerWh(e),
    e.floatUlpWh === null ? (e.counterBits === null ? '-' : `wraps at 2^${e.counterBits}`) : `float: ${e.floatUlpWh.toPrecision(3)} Wh ULP`,
  ]);
  const en = table(['energy', 'register', 'per count', 'Wh', 'note'], energyRows);
  const missing = (s.unavailable ?? []).map((u) => `${u.name} (register 0x${u.address.toString(16).padStart(4, '0')}: ${u.reason})`);
  const gaps = missing.length ? `\n\nno value from the meter: ${missing.join(', ')}` : '';
  return `${title}  ${new Date(s.at).toISOString()}  frame errors ${s.frameErrors}, retries ${s.retries}\n\n${inst}\n\n${en}${gaps}\n`;
}

/** Exit code for a failure talking to a device: the bus or the meter answered wrongly or not at all. */
export function commsExitCode(e: unknown): number | null {
  if (e instanceof ConfigError) return EXIT.usage;
  if (e instanceof TimeoutError || e instanceof TransportError || e instanceof DeviceError || e instanceof FrameError) return EXIT.comms;
  if (e instanceof AmsgateError) return EXIT.failed;
  return null;
}

/** The catalog entry named by --model, or loaded from --model-file (exactly one of them). */
export function entryFor(o: { model?: string; modelFile?: string }): CatalogEntry {
  if (o.model && o.modelFile) {
    const e = catalogEntryFromFile(o.modelFile);
    if (e.id !== o.model) throw new ConfigError('option', `--model ${o.model} and --model-file ${o.modelFile} (id "${e.id}") disagree; give one of them`);
    return e;
  }
  if (o.modelFile) return catalogEntryFromFile(o.modelFile);
  if (o.model) return catalogEntry(o.model);
  throw new ConfigError('option', `give --model ID (${[...catalog.keys()].join(', ')}) or --model-file FILE (a YAML/JSON meter model, docs/meter-models.md)`);
}

interface ReadOptions {
  model?: string;
  modelFile?: string;
  timeout?: number;
  tcp?: string;
  serial?: string;
  baud?: number;
  parity?: Parity;
  unit: number;
  once?: boolean;
  json?: boolean;
  interval: number;
  count?: number;
}

async function readCommand(o: ReadOptions): Promise<void> {
  const entry = entryFor(o);
  const conn = parseConnection(o);
  const driver = await entry.openDriver(conn, { unit: o.unit, clock: systemClock, timeoutMs: o.timeout });
  let stop = false;
  const onSignal = () => {
    stop = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // `amsgate read ... | head`: the reader has gone. Stop quietly with exit code 0, as a Unix filter does.
  // The listener stays for the life of the process: the error can arrive after the last write.
  let readerGone = false;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    readerGone = true;
    stop = true;
  });
  try {
    if (o.once) {
      const s = await driver.sample();
      if (o.json) printJson(sampleJson(entry.id, o.unit, conn, s));
      else process.stdout.write(renderSample(`${entry.vendor} ${entry.model} unit ${o.unit}`, s));
      return;
    }
    const live = new LiveTable();
    let n = 0;
    let failures = 0;
    while (!stop && (o.count === undefined || n < o.count)) {
      const started = Date.now();
      try {
        const s = await driver.sample();
        failures = 0;
        if (o.json) process.stdout.write(`${JSON.stringify(sampleJson(entry.id, o.unit, conn, s), (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
        else live.render(`${renderSample(`${entry.vendor} ${entry.model} unit ${o.unit}`, s)}\n(Ctrl-C to stop)`);
      } catch (e) {
        if (commsExitCode(e) === null) throw e;
        failures++;
        // A live view keeps trying: a meter that drops out is what an installer wants to see come back.
        const line = `${new Date().toISOString()}  read failed (${failures} in a row): ${(e as Error).message}`;
        if (o.json) process.stderr.write(`${line}\n`);
        else live.render(`${entry.vendor} ${entry.model} unit ${o.unit}\n\n${line}\n(Ctrl-C to stop)`);
        process.exitCode = commsExitCode(e)!;
      }
      n++;
      const wait = o.interval - (Date.now() - started);
      for (let t = 0; t < wait && !stop; t += 100) await new Promise((r) => setTimeout(r, Math.min(100, wait - t)));
    }
    if (failures === 0 || readerGone) process.exitCode = EXIT.ok;
  } catch (e) {
    const code = commsExitCode(e);
    if (code === null) throw e;
    process.stderr.write(`amsgate read: ${(e as Error).message}\n`);
    process.exitCode = code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await driver.close();
  }
}

export function register(program: Command): void {
  program
    .command('read')
    .description(
      'Read a meter: instantaneous values and the integer energy registers in the meter\'s own resolution.\n' +
        'Without --once it redraws a live table every --interval ms until Ctrl-C.',
    )
    .option('--model <id>', `meter model: ${[...catalog.keys()].join(', ')}`)
    .option('--model-file <file>', 'a meter model as a YAML or JSON file instead of --model (docs/meter-models.md)')
    .option('--timeout <ms>', 'answer timeout per request before a retry (default: the transport\'s: 300 ms on RTU, 1000 ms on TCP,\n' +
        'the chip\'s own on UART chips)', intArg('--timeout', 10, 60_000))
    .option('--tcp <host:port>', 'Modbus TCP endpoint, e.g. 127.0.0.1:1502')
    .option('--serial <path>', 'serial port, e.g. /dev/ttyUSB0 (RS-485 adapter)')
    .option('--baud <n>', 'serial baud rate (default: the model\'s factory setting)', intArg('--baud', 300, 4_000_000))
    .option('--parity <p>', 'serial parity: none, even or odd (default: the model\'s)', parityArg)
    .option('--unit <n>', 'Modbus unit (slave) id', intArg('--unit', 1, 247), 1)
    .option('--once', 'read one sample and exit')
    .option('--json', 'print JSON: one document with --once, else one line per sample')
    .option('--interval <ms>', 'time between samples in live mode', intArg('--interval', 50, 3_600_000), 1000)
    .option('--count <n>', 'stop after n samples in live mode', intArg('--count', 1, Number.MAX_SAFE_INTEGER))
    .addHelpText(
      'after',
      `
Examples:
  amsgate read --model sdm630 --tcp 127.0.0.1:1502
  amsgate read --model b23 --serial /dev/ttyUSB0 --baud 19200 --parity even --unit 3 --once --json

JSON fields: energy.<import|export|absolute>.value (absolute: a counter of both directions, e.g. BL0942) is the register as an integer (decimal string), whPerCount its exact
resolution in Wh ("10", or a fraction "n/d"), wh the exact product; floatUlpWh is set for float registers (what the
float can still resolve at that magnitude); counterBits for wrapping counters. unavailable lists the registers that
gave no value this time as { name, address, reason } (reason: not-available, not-a-number, infinite); their values
are left out, the rest of the sample is used.
Exit codes: 0 ok, 2 bad usage, 3 meter or bus did not answer or answered wrongly.`,
    )
    .action(async (o: ReadOptions) => readCommand(o));
}
