// `amsgate prove`: the proving test. Records the meter's cumulative register at the start and end of one
// settlement period (or takes readings the installer wrote down), then compares the advance, after the meter's
// multipliers, with the interval the instation received for that period.
import type { Command } from 'commander';
import { systemClock, type Clock } from '../../drivers/clock.js';
import { ConfigError } from '../../drivers/errors.js';
import { mul, parseDecimal, rational } from '../../drivers/rational.js';
import { loadConfig, type MeterConfig } from '../../device/config/gateway-config.js';
import type { Channel } from '../../device/records/record-types.js';
import { settlementPeriodStart, settlementPeriodsInDay } from '../../device/settlement/periods.js';
import { fromCollector, fromGateway, type IntervalQuery } from '../commissioning/interval-source.js';
import { compareProving, type ProvingResult, type ReceivedInterval, type RegisterReading } from '../commissioning/proving-test.js';
import { HAND_READING_RESOLUTION_WH } from '../commissioning/register-scale.js';
import { readLive, type LiveReadings } from '../commissioning/live-readings.js';
import { openDcDb } from '../dc/dc-db.js';
import { recordProvingPass } from '../dc/mtd/proving-state.js';
import { EXIT } from '../exit-codes.js';
import { printJson, table } from '../output.js';

export interface ProveCliOptions {
  config: string;
  period: string;
  meter?: string;
  channel: Channel;
  collectorDb?: string;
  startKwh?: string;
  endKwh?: string;
  waitS: number;
  pollS: number;
  tolerancePct?: number;
  /** Resolution of the register read by hand, Wh; default the model's (register-scale.ts). */
  registerResolutionWh?: number;
  json?: boolean;
}

export interface ProveOutcome {
  code: number;
  device: string;
  meter: string;
  channel: Channel;
  settlementDate: string;
  settlementPeriod: number;
  periodStart: string;
  periodEnd: string;
  mode: 'live' | 'manual';
  result: ProvingResult;
  /** With --collector-db and a pass: proving tests due for the meter that this pass cleared (dc_proving_tests). */
  provingTestsCleared?: number;
}

/** "2026-11-22/37" -> date and period, checked against the day's 46/48/50 periods. */
export function parsePeriodOption(text: string, tz: string): { date: string; sp: number; startMs: number; endMs: number } {
  const m = /^(\d{4}-\d{2}-\d{2})\/(\d{1,2})$/.exec(text.trim());
  if (!m) throw new ConfigError('option', `--period is "${text}"; expected <settlement date>/<settlement period>, e.g. 2026-11-22/37`);
  const date = m[1]!;
  const sp = Number(m[2]);
  const n = settlementPeriodsInDay(date, tz);
  if (sp < 1 || sp > n) throw new ConfigError('option', `--period ${text}: settlement period ${sp} does not exist; ${date} has periods 1..${n}`);
  const startMs = settlementPeriodStart(date, sp, tz);
  return { date, sp, startMs, endMs: startMs + 1_800_000 };
}

export async function proveCommand(opts: ProveCliOptions, clock: Clock = systemClock, log: (s: string) => void = (s) => process.stderr.write(`${s}\n`)): Promise<ProveOutcome> {
  const cfg = loadConfig(opts.config);
  let meter: MeterConfig | undefined;
  if (opts.meter) meter = cfg.meters.find((m) => m.id === opts.meter);
  else if (cfg.meters.length === 1) meter = cfg.meters[0];
  if (!meter) {
    throw new ConfigError('option', `${opts.meter ? `--meter ${opts.meter} is not in ${opts.config}` : 'several meters are configured: give --meter'}; configured meters: ${cfg.meters.map((m) => m.id).join(', ')}`);
  }
  if (opts.channel === 'export' && meter.amsid.export === undefined) {
    throw new ConfigError('option', `meter ${meter.id} has no export AMSID; prove the import channel`);
  }
  const p = parsePeriodOption(opts.period, cfg.timeZone);
  const manual = opts.startKwh !== undefined || opts.endKwh !== undefined;

  let start: RegisterReading;
  let end: RegisterReading;
  let stepWh: number;
  let pf: number | null = null;
  let rawCheck: LiveReadings['raw'] = null;
  if (manual) {
    if (opts.startKwh === undefined || opts.endKwh === undefined) throw new ConfigError('option', 'give both --start-kwh and --end-kwh (the register as read at the start and end of the period)');
    if (clock.now() < p.endMs) {
      throw new ConfigError('option', `settlement period ${opts.period} ends at ${new Date(p.endMs).toISOString()}, in the future; hand readings can only prove a period that is over`);
    }
    const kwh = (t: string, name: string) => {
      try {
        return mul(parseDecimal(t), rational(1000n));
      } catch {
        throw new ConfigError('option', `${name} is "${t}"; expected the register reading in kWh as a decimal, e.g. 1523.41`);
      }
    };
    start = { at: p.startMs, wh: kwh(opts.startKwh, '--start-kwh') };
    end = { at: p.endMs, wh: kwh(opts.endKwh, '--end-kwh') };
    // The tolerance follows the register's resolution, not the digits typed; fewer digits than the register shows
    // would hide energy in the rounding, so they are refused.
    const res = opts.registerResolutionWh ?? HAND_READING_RESOLUTION_WH[meter.model]?.wh;
    if (res === undefined) {
      throw new ConfigError('option', `the resolution of the ${meter.model} register read by hand is not known; give --register-resolution-wh (e.g. 10 for a display showing 0.01 kWh)`);
    }
    const needPlaces = Math.max(0, Math.ceil(-Math.log10(res / 1000) - 1e-9));
    for (const [name, t] of [['--start-kwh', opts.startKwh], ['--end-kwh', opts.endKwh]] as const) {
      if ((t.split('.')[1] ?? '').length < needPlaces) {
        throw new ConfigError('option', `${name} "${t}" has fewer decimals than the register shows (${res} Wh = ${needPlaces} decimals of kWh); write every digit of the register`);
      }
    }
    stepWh = res;
  } else {
    if (clock.now() > p.startMs) {
      throw new ConfigError('option', `settlement period ${opts.period} started at ${new Date(p.startMs).toISOString()}, in the past; choose a period that has not started, or give the readings with --start-kwh/--end-kwh`);
    }
    const live = await readLive(meter, opts.channel, { startMs: p.startMs, endMs: p.endMs, label: opts.period }, clock, log);
    ({ start, end, stepWh } = live);
    pf = live.powerFactor;
    rawCheck = live.raw;
  }

  const q: IntervalQuery = { device: cfg.deviceId, meter: meter.id, channel: opts.channel, periodStartMs: p.startMs };
  const lookup = async (): Promise<ReceivedInterval | null> => (opts.collectorDb ? fromCollector(opts.collectorDb, q) : fromGateway(cfg.storePath, q));
  let received = await lookup();
  // The gateway closes a period shortly after its end; wait for it (and the collector) up to --wait-s.
  const deadline = Math.max(clock.now(), p.endMs) + opts.waitS * 1000;
  while (!received && clock.now() < deadline) {
    await clock.sleep(opts.pollS * 1000);
    received = await lookup();
  }
  const result = compareProving({
    periodStartMs: p.startMs,
    periodEndMs: p.endMs,
    start,
    end,
    stepWh,
    compensation: meter.compensation,
    powerFactor: pf,
    received,
    tolPct: opts.tolerancePct,
  });
  if (rawCheck) {
    result.figures['register read'] = `raw register with the documented scale (${rawCheck.status}), not the driver`;
    result.figures['driver advance Wh (cross-check)'] = rawCheck.driverAdvanceWh.toFixed(3);
    result.figures['driver and raw reads apart s (both boundaries)'] = rawCheck.apartS.toFixed(1);
    // The two reads of each boundary are apart by the time one read takes: beyond the energy of that time, two
    // register steps and 1 %, the scales differ.
    const meanW = (Math.abs(rawCheck.rawAdvanceWh) * 3_600_000) / (end.at - start.at);
    if (Math.abs(rawCheck.driverAdvanceWh - rawCheck.rawAdvanceWh) > 2 * stepWh + Math.abs(rawCheck.rawAdvanceWh) / 100 + (meanW * rawCheck.apartS) / 3600) {
      result.pass = false;
      result.detail = `the driver's register advance (${rawCheck.driverAdvanceWh.toFixed(1)} Wh) differs from the documented register's (${rawCheck.rawAdvanceWh.toFixed(1)} Wh): a scaling error in the driver`;
      result.fix = 'do not settle from this meter until the driver scaling is corrected';
    }
  }
  let provingTestsCleared: number | undefined;
  if (result.pass && opts.collectorDb) {
    // The data collector's record that the proving test due since a key field change has passed.
    const db = await openDcDb(opts.collectorDb);
    try {
      provingTestsCleared = await recordProvingPass(db, cfg.deviceId, meter.id, clock.now(), `${opts.channel} ${p.date}/${p.sp}: ${result.detail}`);
    } finally {
      await db.close();
    }
  }
  return {
    provingTestsCleared,
    code: result.pass ? EXIT.ok : EXIT.failed,
    device: cfg.deviceId,
    meter: meter.id,
    channel: opts.channel,
    settlementDate: p.date,
    settlementPeriod: p.sp,
    periodStart: new Date(p.startMs).toISOString(),
    periodEnd: new Date(p.endMs).toISOString(),
    mode: manual ? 'manual' : 'live',
    result,
  };
}

const num = (name: string, min: number) => (t: string): number => {
  const n = Number(t);
  if (!Number.isFinite(n) || n < min) throw new ConfigError('option', `${name} is "${t}"; expected a number >= ${min}`);
  return n;
};

export function register(program: Command): void {
  program
    .command('prove')
    .description(
      'Proving test: the register advance over one settlement period, after the multipliers, against the interval the instation received.',
    )
    .requiredOption('--config <file>', 'gateway configuration (meter, multipliers, device id, store)')
    .requiredOption('--period <date/sp>', 'settlement date and period, e.g. 2026-11-22/37 (Europe/London day, 1..46/48/50)')
    .option('--meter <id>', 'meter to prove (needed when several are configured)')
    .option('--channel <dir>', 'import or export', (t: string): Channel => {
      if (t !== 'import' && t !== 'export') throw new ConfigError('option', `--channel is "${t}"; expected import or export`);
      return t;
    }, 'import' as Channel)
    .option('--collector-db <db>', "the collector's store (SQLite path or postgres:// URL); default: the gateway's own store")
    .option('--start-kwh <kwh>', 'register reading at the period start, written down on site (skips live reading)')
    .option('--end-kwh <kwh>', 'register reading at the period end')
    .option('--wait-s <s>', 'after the period ends, wait this long for the interval to arrive', num('--wait-s', 0), 600)
    .option('--poll-s <s>', 'how often to look for the interval while waiting', num('--poll-s', 0.01), 10)
    .option('--tolerance-pct <pct>', 'relative allowance on top of resolution and timing (default 0.5)', num('--tolerance-pct', 0))
    .option('--register-resolution-wh <wh>', "hand readings: the register's resolution in Wh (default: the model's, e.g. 10 for 0.01 kWh)", num('--register-resolution-wh', 0.001))
    .option('--json', 'print the outcome as one JSON document')
    .addHelpText(
      'after',
      `
Live (the default): start before the period; the command reads the register as the period starts and ends,
then waits for the gateway to close the period and looks the interval up. With --start-kwh/--end-kwh it uses
readings taken by hand instead (any past period). Pass/fail allows two register steps, 1 Wh rounding, the
energy during the seconds between each reading and its boundary, and --tolerance-pct. The register step is the
register's resolution (the model's, or --register-resolution-wh), never the number of decimals typed; a reading
with fewer decimals than the register shows is refused. Live, the register is read raw and scaled as the maker
documents it (Modbus meters, BL0942, CSE7766, IEC 62056-21; not ATM90E26, whose registers are read-and-clear), not
through the driver; the driver's reading is a cross-check (docs/commissioning.md).
Exit 0 pass, 1 fail (with figures and what to check), 2 bad usage.

Examples:
  amsgate prove --config gateway.yaml --period 2026-11-22/37 --collector-db postgres://collector@head/amsgate
  amsgate prove --config gateway.yaml --meter charger --period 2026-11-22/37 --start-kwh 1523.41 --end-kwh 1527.11`,
    )
    .action(async (opts: ProveCliOptions) => {
      const o = await proveCommand(opts);
      if (opts.json) printJson(o);
      else {
        process.stdout.write(
          `Proving test ${o.device}/${o.meter} ${o.channel}, settlement period ${o.settlementDate}/${o.settlementPeriod} (${o.periodStart} .. ${o.periodEnd}, ${o.mode} readings)\n\n` +
            `${table(['figure', 'value'], Object.entries(o.result.figures))}\n\n` +
            `${o.result.pass ? 'PASS' : 'FAIL'}: ${o.result.detail}${o.result.fix ? `\nFix: ${o.result.fix}` : ''}\n` +
            (o.provingTestsCleared !== undefined ? `Proving test due records cleared in the collector store: ${o.provingTestsCleared}\n` : ''),
        );
      }
      process.exitCode = o.code;
    });
}
