// `amsgate commission`: the installer's guided run of the Elexon whole-current (Type 5) commissioning checks,
// ending in a signed commissioning record (JSON + JWS) and a self-contained HTML page.
import type { Command } from 'commander';
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { IClientOptions } from 'mqtt';
import { catalogEntry, parseConnection, type Parity } from '../../drivers/catalog.js';
import { openConfiguredDriver } from '../commissioning/open-configured-driver.js';
import { systemClock, type Clock } from '../../drivers/clock.js';
import { ConfigError } from '../../drivers/errors.js';
import { keyFieldsOf, loadConfig, type MeterConfig } from '../../device/config/gateway-config.js';
import { NEUTRAL_COMPENSATION } from '../../device/compensation/compensation.js';
import { loadOrCreateDeviceKey, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, type DeviceKey } from '../../device/signing/device-key.js';
import { signCompact } from '../../device/signing/jws.js';
import { kidOf } from '../../device/signing/key-set.js';
import { answerSource, loadAnswersFile } from '../commissioning/answers.js';
import { runCommissioning } from '../commissioning/commission-run.js';
import { probeOptions } from '../commissioning/probe-options.js';
import type { CommissioningRecord } from '../commissioning/commissioning-record.js';
import { renderHtml } from '../commissioning/html-report.js';
import { EXIT } from '../exit-codes.js';
import { printJson, table } from '../output.js';

export const COMMISSIONING_JWS_TYPE = 'amsgate-commissioning+jws';

export interface CommissionCliOptions {
  config?: string;
  model?: string;
  tcp?: string;
  serial?: string;
  baud?: number;
  parity?: Parity;
  unit?: number;
  meter?: string[];
  meterSerial?: string;
  amsidImport?: string;
  amsidExport?: string;
  device?: string;
  broker?: string;
  keyDir?: string;
  yes?: boolean;
  answers?: string;
  json?: boolean;
  out: string;
  integrateS: number;
  sampleMs: number;
  timeoutS: number;
}

const num = (name: string, min: number) => (t: string): number => {
  const n = Number(t);
  if (!Number.isFinite(n) || n < min) throw new ConfigError('option', `${name} is "${t}"; expected a number >= ${min}`);
  return n;
};
const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** The device key: the private key signs the record; a public key alone still verifies the test alarm. */
function keysFrom(dir: string | undefined, alg?: 'ES256' | 'EdDSA'): { signing: DeviceKey | null; publicKey: KeyObject | null } {
  if (!dir) return { signing: null, publicKey: null };
  if (existsSync(join(dir, PRIVATE_KEY_FILE))) {
    const k = loadOrCreateDeviceKey(dir, alg);
    return { signing: k, publicKey: k.publicKey };
  }
  if (existsSync(join(dir, PUBLIC_KEY_FILE))) return { signing: null, publicKey: createPublicKey(readFileSync(join(dir, PUBLIC_KEY_FILE), 'utf8')) };
  return { signing: null, publicKey: null };
}

/** Runs the whole command with an injected clock; returns the exit code (the tests call this directly). */
export async function commissionCommand(opts: CommissionCliOptions, clock: Clock = systemClock, log: (s: string) => void = (s) => process.stderr.write(`${s}\n`)): Promise<{ code: number; record: CommissioningRecord; files: Record<string, string> }> {
  let deviceId: string | null = opts.device ?? null;
  let meters: MeterConfig[];
  let keyFields: Record<string, string>;
  let brokerUrl: string | null = opts.broker ?? null;
  let brokerOptions: IClientOptions = {};
  let keyDir = opts.keyDir;
  let alg: 'ES256' | 'EdDSA' | undefined;

  if (opts.config) {
    if (opts.model || opts.tcp || opts.serial) throw new ConfigError('option', 'give either --config FILE or --model with --tcp/--serial, not both');
    const cfg = loadConfig(opts.config);
    deviceId = opts.device ?? cfg.deviceId;
    meters = opts.meter?.length ? cfg.meters.filter((m) => opts.meter!.includes(m.id)) : cfg.meters;
    const unknown = (opts.meter ?? []).filter((id) => !cfg.meters.some((m) => m.id === id));
    if (unknown.length) throw new ConfigError('option', `--meter ${unknown.join(', ')} is not in ${opts.config}; configured meters: ${cfg.meters.map((m) => m.id).join(', ')}`);
    for (const m of meters) {
      if (m.simulate && (('tcp' in m.connection && /:0$/.test(m.connection.tcp)) || ('serial' in m.connection && m.connection.serial === 'auto'))) {
        throw new ConfigError('option', `meter ${m.id} is a simulator the gateway starts itself (${JSON.stringify(m.connection)}); commission it with --model and the simulator's real --tcp/--serial`);
      }
    }
    keyFields = keyFieldsOf(cfg);
    if (!brokerUrl && !cfg.broker.embedded) brokerUrl = cfg.broker.url;
    if (brokerUrl) brokerOptions = probeOptions(deviceId, cfg.broker);
    keyDir ??= cfg.keys.dir;
    alg = cfg.keys.algorithm;
  } else {
    if (!opts.model) throw new ConfigError('option', 'nothing to commission: give --config FILE, or --model MODEL with --tcp HOST:PORT or --serial PATH');
    const entry = catalogEntry(opts.model);
    const conn = parseConnection({ tcp: opts.tcp, serial: opts.serial, baud: opts.baud, parity: opts.parity });
    const m: MeterConfig = {
      id: 'meter',
      model: opts.model,
      connection: conn,
      ...(opts.unit !== undefined ? { unit: opts.unit } : {}),
      serial: opts.meterSerial ?? '',
      amsid: { import: opts.amsidImport ?? '', ...(opts.amsidExport ? { export: opts.amsidExport } : {}) },
      role: 'other',
      supply: 'ac',
      phases: entry.phases,
      ratedVoltageV: 230,
      ratedCurrentA: 1,
      maxCurrentA: 100,
      compensation: { ...NEUTRAL_COMPENSATION },
    };
    meters = [m];
    keyFields = {
      ...(deviceId ? { 'device.id': deviceId } : {}),
      'meter.meter.model': m.model,
      'meter.meter.serial': m.serial,
      'meter.meter.channels': m.amsid.export ? 'import,export' : 'import',
      ...(m.amsid.import ? { 'meter.meter.amsid.import': m.amsid.import } : {}),
      ...(m.amsid.export ? { 'meter.meter.amsid.export': m.amsid.export } : {}),
    };
  }

  const keys = keysFrom(keyDir ? resolve(keyDir) : undefined, alg);
  const answers = answerSource({
    answers: opts.answers ? loadAnswersFile(opts.answers) : undefined,
    interactive: !opts.answers && process.stdin.isTTY === true,
    assumeYes: opts.yes,
    log,
  });
  let record: CommissioningRecord;
  try {
    record = await runCommissioning({
      deviceId,
      meters,
      keyFields,
      clock,
      openDriver: async (m) => {
        const d = await openConfiguredDriver(m, clock);
        // With --model the serial comes from the meter itself where it reports one.
        if (!m.serial) {
          try {
            m.serial = (await d.identify()).serial ?? '(not reported)';
          } catch {
            m.serial = '(not reported)';
          }
          keyFields['meter.meter.serial'] = m.serial;
        }
        return d;
      },
      broker: brokerUrl ? { url: brokerUrl, options: brokerOptions } : null,
      publicKey: keys.publicKey,
      kid: keys.publicKey ? kidOf(keys.publicKey) : null,
      publicJwk: keys.signing?.publicJwk ?? (keys.publicKey ? ({ ...(keys.publicKey.export({ format: 'jwk' }) as JsonWebKey), kid: kidOf(keys.publicKey) }) : null),
      answers,
      integrateMs: opts.integrateS * 1000,
      sampleMs: opts.sampleMs,
      mqttTimeoutMs: opts.timeoutS * 1000,
    });
  } finally {
    answers.close();
  }

  const jws = keys.signing ? signCompact(record, keys.signing, COMMISSIONING_JWS_TYPE) : null;
  const out = resolve(opts.out);
  mkdirSync(out, { recursive: true });
  const stamp = record.commissionedAt.replace(/[:.]/g, '').replace(/\d{3}Z$/, 'Z');
  const base = join(out, `commissioning-${deviceId ?? 'meter'}-${stamp}`);
  const files: Record<string, string> = { json: `${base}.json`, html: `${base}.html` };
  writeFileSync(files.json!, `${JSON.stringify(record, null, 2)}\n`);
  writeFileSync(files.html!, renderHtml(record, jws));
  if (jws) {
    files.jws = `${base}.jws`;
    writeFileSync(files.jws, `${jws}\n`);
  }
  return { code: record.result === 'pass' ? EXIT.ok : EXIT.failed, record, files };
}

export function register(program: Command): void {
  program
    .command('commission')
    .description(
      'Guided commissioning of a whole-current / Type 5 Asset Metering System (Elexon Asset Metering guidance):\n' +
        'remote comms, direction of flow, phase rotation, polarity, alarms, plausibility and key fields; writes a signed record and an HTML page.',
    )
    .option('--config <file>', 'gateway configuration: meters, broker, device id and key come from it')
    .option('--meter <id>', 'with --config: commission only this meter (repeatable)', collect)
    .option('--model <model>', 'without --config: the meter model (catalog id, e.g. sdm630)')
    .option('--tcp <host:port>', 'without --config: Modbus TCP address of the meter')
    .option('--serial <path>', 'without --config: serial port of the meter')
    .option('--baud <n>', 'serial baud rate', num('--baud', 300))
    .option('--parity <p>', 'serial parity: none, even, odd')
    .option('--unit <n>', 'Modbus unit id', num('--unit', 1))
    .option('--meter-serial <s>', 'without --config: serial on the rating plate (default: what the meter reports)')
    .option('--amsid-import <id>', 'without --config: Import AMSID')
    .option('--amsid-export <id>', 'without --config: Export AMSID (adds the export direction check)')
    .option('--device <id>', 'gateway device id for the MQTT checks (default: the config deviceId)')
    .option('--broker <url>', "the instation's MQTT broker (default: the config's broker.url)")
    .option('--key-dir <dir>', 'gateway key directory: signs the record, verifies the test alarm (default: the config keys.dir)')
    .option('--answers <file>', 'YAML/JSON answers to the installer questions (non-interactive runs, tests)')
    .option('--yes', 'answer "yes" to every "have you done X" question (the installer does each step as told)')
    .option('--out <dir>', 'folder for the commissioning record (.json, .jws, .html)', '.')
    .option('--integrate-s <s>', 'how long to compare the energy register with the integral of power', num('--integrate-s', 1), 60)
    .option('--sample-ms <ms>', 'power sampling interval during the comparison', num('--sample-ms', 50), 1000)
    .option('--timeout-s <s>', 'how long to wait for MQTT replies and alarm records', num('--timeout-s', 1), 15)
    .option('--json', 'print {result, files, record} as JSON instead of the table')
    .addHelpText(
      'after',
      `
Questions (answer keys for --answers; append ".<meter id>" to target one meter):
  installer            installer name and company
  import-running       is the asset importing (charging) at a steady load now?   yes/no
  export-running       is the asset exporting (battery discharging) now?         yes/no (only with an export AMSID)
  rotation-standard    does a rotation meter show L1-L2-L3? (3-phase meters that report no angles)
  ct-clamp-a           primary current on L1 from a clamp meter, A (only where CTs are fitted)

Exit 0 when every check passes, 1 when any fails (each failure says what to fix), 2 bad usage, 3 meter unreachable.

Examples:
  amsgate commission --config /etc/amsgate/gateway.yaml --out ./commissioning
  amsgate commission --model sdm630 --tcp 192.168.1.20:502 --broker mqtts://instation:8883 --device gw-0001 \\
      --key-dir /var/lib/amsgate/keys --answers answers.yaml --integrate-s 60`,
    )
    .action(async (opts: CommissionCliOptions) => {
      const { code, record, files } = await commissionCommand(opts);
      if (opts.json) {
        printJson({ result: record.result, files, record });
      } else {
        const rows = record.checks.map((c) => [c.status.toUpperCase(), c.meter ?? '-', c.title, c.status === 'fail' ? `${c.detail}. FIX: ${c.fix ?? ''}` : c.detail]);
        process.stdout.write(`${table(['result', 'meter', 'check', 'finding'], rows)}\n\n`);
        process.stdout.write(`Commissioning ${record.result === 'pass' ? 'PASSED' : 'FAILED'}. Record: ${files.json}${files.jws ? `, signed: ${files.jws}` : ' (unsigned: no device key)'}, page: ${files.html}\n`);
      }
      process.exitCode = code;
    });
}
