// `amsgate discover`: finds known Modbus meters on a serial bus or behind a TCP endpoint by probing each model's
// identifying registers at each line setting and unit id. Each probe is bounded by a short timeout and no retries.
import type { Command } from 'commander';
import { type ConnectionSpec, type Parity } from '../../drivers/catalog.js';
import { systemClock } from '../../drivers/clock.js';
import { ConfigError } from '../../drivers/errors.js';
import { discoverMeters, worstCaseProbes } from '../../drivers/models/discover-meters.js';
import { meterModels } from '../../drivers/models/meter-models.js';
import { EXIT } from '../exit-codes.js';
import { printJson, table } from '../output.js';
import { commsExitCode, intArg } from './read.js';

/** Parses "1-10" or "1,3,5-7" into sorted unique unit ids 1..247. */
export function parseUnits(text: string): number[] {
  const out = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    const a = Number(m?.[1]);
    const b = Number(m?.[2] ?? m?.[1]);
    if (!m || a < 1 || b > 247 || a > b) throw new ConfigError('option', `--units "${part}": expected unit ids 1..247 as "1-10" or "1,3,5-7"`);
    for (let u = a; u <= b; u++) out.add(u);
  }
  if (out.size === 0) throw new ConfigError('option', '--units is empty; expected e.g. 1-10');
  return [...out].sort((x, y) => x - y);
}

function listArg<T>(name: string, parse: (s: string) => T) {
  return (text: string): T[] => {
    const items = text.split(',').map((s) => s.trim()).filter(Boolean).map(parse);
    if (items.length === 0) throw new ConfigError('option', `${name} is empty`);
    return items;
  };
}

const baudOf = intArg('--bauds', 300, 4_000_000);
function parityOf(text: string): Parity {
  if (text !== 'none' && text !== 'even' && text !== 'odd') throw new ConfigError('option', `--parities "${text}": expected none, even or odd`);
  return text;
}

interface DiscoverCliOptions {
  tcp?: string;
  serial?: string;
  bauds: number[];
  parities: Parity[];
  units: number[];
  timeout: number;
  json?: boolean;
  allLines?: boolean;
}

function lineText(c: ConnectionSpec): string {
  return 'tcp' in c ? `tcp ${c.tcp}` : `${c.serial} ${c.baud} 8${(c.parity ?? 'none')[0]!.toUpperCase()}1`;
}

async function discover(o: DiscoverCliOptions): Promise<void> {
  if (!o.tcp === !o.serial) throw new ConfigError('connection', 'give exactly one of --serial PATH or --tcp host:port');
  const lines: ConnectionSpec[] = o.tcp
    ? [{ tcp: o.tcp }]
    : o.bauds.flatMap((baud) => o.parities.map((parity) => ({ serial: o.serial!, baud, parity, dataBits: 8 as const, stopBits: 1 as const })));
  const tty = process.stderr.isTTY;
  const progress = (text: string) => process.stderr.write(tty ? `\r\x1b[K${text}` : `${text}\n`);
  const worst = worstCaseProbes(lines.length, o.units.length);
  progress(`discover: ${lines.length} line setting(s) x ${o.units.length} unit(s) x ${meterModels.length} models; at most ~${Math.ceil((worst * o.timeout) / 1000)} s`);
  if (!tty) progress('');
  const started = Date.now();
  const { found, probes } = await discoverMeters({
    lines,
    units: o.units,
    clock: systemClock,
    timeoutMs: o.timeout,
    allLines: o.allLines,
    onProgress: (conn, unit, model) => progress(`probing ${lineText(conn)} unit ${unit} as ${model.id} ...`),
  });
  if (tty) progress('');
  const elapsedMs = Date.now() - started;
  if (o.json) {
    printJson({ found, probes, elapsedMs });
  } else if (found.length === 0) {
    process.stdout.write(`no known meter answered (${probes} probes in ${(elapsedMs / 1000).toFixed(1)} s)\n`);
  } else {
    process.stdout.write(
      `${table(
        ['model', 'meter', 'unit', 'line', 'L1 voltage'],
        found.map((f) => [f.model, `${f.vendor} ${f.name}`, f.unit, lineText(f.connection), f.voltageV?.toFixed(1) ?? '-']),
      )}\n\n${found.length} meter(s), ${probes} probes in ${(elapsedMs / 1000).toFixed(1)} s. Read one with e.g.\n  amsgate read --model ${found[0]!.model} ${
        'tcp' in found[0]!.connection ? `--tcp ${found[0]!.connection.tcp}` : `--serial ${found[0]!.connection.serial} --baud ${found[0]!.connection.baud} --parity ${found[0]!.connection.parity}`
      } --unit ${found[0]!.unit}\n`,
    );
  }
  process.exitCode = found.length > 0 ? EXIT.ok : EXIT.comms;
}

export function register(program: Command): void {
  program
    .command('discover')
    .description(
      'Scan a serial bus or a Modbus TCP endpoint for known meters: at each line setting and unit id, read each\n' +
        'model\'s identifying registers (L1 voltage, and L2 for three-phase models) and accept plausible values.\n' +
        'A unit that does not answer costs one --timeout; a unit that refuses a register is tried as the next model.',
    )
    .option('--serial <path>', 'serial port to scan, e.g. /dev/ttyUSB0')
    .option('--tcp <host:port>', 'Modbus TCP endpoint (or RS-485 gateway) to scan')
    .option('--bauds <list>', 'baud rates to try, in order', listArg('--bauds', baudOf), [9600, 19200, 38400, 115200])
    .option('--parities <list>', 'parities to try: none, even, odd', listArg('--parities', parityOf), ['none', 'even'] as Parity[])
    .option('--units <ids>', 'unit ids to probe, e.g. 1-10 or 1,3,5-7 (1-247 for a full scan)', parseUnits, parseUnits('1-10'))
    .option('--timeout <ms>', 'answer timeout per probe', intArg('--timeout', 20, 10_000), 200)
    .option('--all-lines', 'keep trying the remaining line settings after meters were found')
    .option('--json', 'print the result as one JSON document: { found: [{ model, vendor, name, unit, connection }], probes, elapsedMs }')
    .addHelpText(
      'after',
      `
Examples:
  amsgate discover --serial /dev/ttyUSB0
  amsgate discover --serial /dev/ttyUSB0 --bauds 9600,19200 --parities none,even --units 1-10 --json
  amsgate discover --tcp 192.168.1.50:502 --units 1-5

Models are told apart by what their registers decode to: an SDM630 wired to one phase only reads no L2 voltage
and is reported as sdm120 (same L1 registers). Exit codes: 0 meters found, 2 bad usage, 3 nothing answered.`,
    )
    .action(async (o: DiscoverCliOptions) => {
      try {
        await discover(o);
      } catch (e) {
        const code = commsExitCode(e);
        if (code === null) throw e;
        process.stderr.write(`amsgate discover: ${(e as Error).message}\n`);
        process.exitCode = code;
      }
    });
}
