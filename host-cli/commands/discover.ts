// `amsgate discover`: finds known Modbus meters on a serial bus or behind a TCP endpoint by probing each model's
// identifying registers at each line setting and unit id, and on a serial port first the UART metering chips and
// IEC 62056-21 meters at their own line settings. Each probe is bounded by a short timeout and no retries.
import type { Command } from 'commander';
import { catalogEntry, type CatalogEntry, type ConnectionSpec, type Parity } from '../../drivers/catalog.js';
import { systemClock } from '../../drivers/clock.js';
import { ConfigError } from '../../drivers/errors.js';
import { defaultDiscoverLines, discoverMeters, worstCaseProbes } from '../../drivers/models/discover-meters.js';
import { meterModels } from '../../drivers/models/meter-models.js';
import { discoverSerialDevice, SERIAL_PROBE_ORDER, serialProbeBoundMs, type SerialDeviceId } from '../../drivers/uart/discover-serial.js';
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

type Protocol = CatalogEntry['transport'];
const PROTOCOLS: readonly Protocol[] = ['uart', 'iec62056', 'modbus'];
function protocolOf(text: string): Protocol {
  if (!(PROTOCOLS as readonly string[]).includes(text)) throw new ConfigError('option', `--protocols "${text}": expected ${PROTOCOLS.join(', ')}`);
  return text as Protocol;
}

interface DiscoverCliOptions {
  tcp?: string;
  serial?: string;
  bauds?: number[];
  parities?: Parity[];
  units: number[];
  timeout: number;
  protocols: Protocol[];
  json?: boolean;
  allLines?: boolean;
}

/** One found device, as printed (`--json`: one element of `found`). */
interface FoundDevice {
  model: string;
  vendor: string;
  name: string;
  transport: Protocol;
  /** Modbus unit id; null for UART chips and IEC 62056-21 meters. */
  unit: number | null;
  connection: ConnectionSpec;
  voltageV?: number;
  identification?: string;
  maxBaud?: number | null;
}

function lineText(c: ConnectionSpec): string {
  return 'tcp' in c ? `tcp ${c.tcp}` : `${c.serial} ${c.baud} ${c.dataBits ?? 8}${(c.parity ?? 'none')[0]!.toUpperCase()}${c.stopBits ?? 1}`;
}

function readHint(f: FoundDevice): string {
  const c = f.connection;
  if ('tcp' in c) return `amsgate read --model ${f.model} --tcp ${c.tcp} --unit ${f.unit}`;
  // UART chips and IEC 62056-21 meters take their line settings from the catalog.
  if (f.unit === null) return `amsgate read --model ${f.model} --serial ${c.serial}`;
  return `amsgate read --model ${f.model} --serial ${c.serial} --baud ${c.baud} --parity ${c.parity} --unit ${f.unit}`;
}

/**
 * Without --bauds/--parities: every catalog model's factory line first, then the standard rates (derived from the
 * catalog, so a new model's factory setting is tried without touching this command). With either: their product.
 */
export function serialLines(serial: string, bauds?: number[], parities?: Parity[]): ConnectionSpec[] {
  const defaults = defaultDiscoverLines(serial, meterModels);
  if (!bauds && !parities) return defaults;
  const pick = <T>(f: (c: ConnectionSpec) => T): T[] => [...new Set(defaults.map(f))];
  const bs = bauds ?? pick((c) => ('serial' in c ? c.baud! : 0));
  const ps = parities ?? pick((c) => ('serial' in c ? c.parity! : 'none'));
  return bs.flatMap((baud) => ps.map((parity) => ({ serial, baud, parity, dataBits: 8 as const, stopBits: 1 as const })));
}

async function discover(o: DiscoverCliOptions): Promise<void> {
  if (!o.tcp === !o.serial) throw new ConfigError('connection', 'give exactly one of --serial PATH or --tcp host:port');
  const lines: ConnectionSpec[] = o.tcp ? [{ tcp: o.tcp }] : serialLines(o.serial!, o.bauds, o.parities);
  const wanted = new Set(o.protocols);
  // UART chips and optical heads are serial only.
  const devices: SerialDeviceId[] = o.serial ? SERIAL_PROBE_ORDER.filter((d) => wanted.has(d === 'iec62056' ? 'iec62056' : 'uart')) : [];
  const scanModbus = wanted.has('modbus');
  if (devices.length === 0 && !scanModbus) throw new ConfigError('option', `--protocols ${o.protocols.join(',')}: nothing to scan over --tcp; Modbus is the only TCP protocol`);
  const tty = process.stderr.isTTY;
  const progress = (text: string) => process.stderr.write(tty ? `\r\x1b[K${text}` : `${text}\n`);
  const worst = scanModbus ? worstCaseProbes(lines.length, o.units.length) : 0;
  const serialOpts = { timeoutMs: o.timeout, devices };
  const boundS = Math.ceil((worst * o.timeout + serialProbeBoundMs(serialOpts)) / 1000);
  progress(
    `discover: ${devices.length > 0 ? `${devices.join(', ')} at their own line settings, then ` : ''}` +
      `${scanModbus ? `${lines.length} line setting(s) x ${o.units.length} unit(s) x ${meterModels.length} Modbus models` : 'no Modbus scan'}; at most ~${boundS} s`,
  );
  if (!tty) progress('');
  const started = Date.now();
  const found: FoundDevice[] = [];
  let probes = 0;
  if (devices.length > 0) {
    const r = await discoverSerialDevice(o.serial!, {
      ...serialOpts,
      onProgress: (d, l) => progress(`probing ${lineText({ serial: o.serial!, ...l })} for ${d} ...`),
    });
    probes += r.probes;
    if (r.found) {
      const { model, ...seen } = r.found;
      const e = catalogEntry(model);
      found.push({ model: e.id, vendor: e.vendor, name: e.model, transport: e.transport, unit: null, ...seen });
    }
  }
  // A UART chip or an optical head is alone on its line: no Modbus bus to scan once one answered.
  if (scanModbus && found.length === 0) {
    const r = await discoverMeters({
      lines,
      units: o.units,
      clock: systemClock,
      timeoutMs: o.timeout,
      allLines: o.allLines,
      onProgress: (conn, unit, model) => progress(`probing ${lineText(conn)} unit ${unit} as ${model.id} ...`),
    });
    probes += r.probes;
    found.push(...r.found.map((f) => ({ ...f, transport: 'modbus' as const })));
  }
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
        found.map((f) => [f.model, `${f.vendor} ${f.name}${f.identification ? ` (${f.identification})` : ''}`, f.unit ?? '-', lineText(f.connection), f.voltageV?.toFixed(1) ?? '-']),
      )}\n\n${found.length} meter(s), ${probes} probes in ${(elapsedMs / 1000).toFixed(1)} s. Read one with e.g.\n  ${readHint(found[0]!)}\n`,
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
        'A unit that does not answer costs one --timeout; a unit that refuses a register is tried as the next model.\n' +
        'On --serial, first the UART chips and IEC 62056-21 at their own line settings: listen for a CSE7766\n' +
        '(4800 8E1), sign on at 300 7E1 (IEC 62056-21), poll a BL0942 (4800 8N1) and an ATM90E26 (9600 8N1).',
    )
    .option('--serial <path>', 'serial port to scan, e.g. /dev/ttyUSB0')
    .option('--tcp <host:port>', 'Modbus TCP endpoint (or RS-485 gateway) to scan')
    .option('--bauds <list>', 'baud rates to try, in order (default: each model\'s factory setting first, then 1200..38400)', listArg('--bauds', baudOf))
    .option('--parities <list>', 'parities to try: none, even, odd (default: those of the models\' factory settings)', listArg('--parities', parityOf))
    .option('--units <ids>', 'unit ids to probe, e.g. 1-10 or 1,3,5-7 (1-247 for a full scan)', parseUnits, parseUnits('1-10'))
    .option('--timeout <ms>', 'answer timeout per probe', intArg('--timeout', 20, 10_000), 200)
    .option('--protocols <list>', 'what to look for: uart (BL0942, CSE7766, ATM90E26), iec62056, modbus', listArg('--protocols', protocolOf), [...PROTOCOLS])
    .option('--all-lines', 'keep trying the remaining line settings after meters were found')
    .option('--json', 'print the result as one JSON document: { found: [{ model, vendor, name, transport, unit, connection }], probes, elapsedMs }')
    .addHelpText(
      'after',
      `
Examples:
  amsgate discover --serial /dev/ttyUSB0
  amsgate discover --serial /dev/ttyUSB0 --bauds 9600,19200 --parities none,even --units 1-10 --json
  amsgate discover --tcp 192.168.1.50:502 --units 1-5
  amsgate discover --serial /dev/ttyUSB0 --protocols uart,iec62056

Models are told apart by what their registers decode to: an SDM630 wired to one phase only reads no L2 voltage
and is reported as sdm120 (same L1 registers). A UART chip or IEC 62056-21 meter is alone on its line: once one
answers, no Modbus scan follows. Exit codes: 0 meters found, 2 bad usage, 3 nothing answered.`,
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
