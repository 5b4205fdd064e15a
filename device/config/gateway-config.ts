// Gateway configuration: parse (JSON or YAML), apply defaults, and refuse anything that cannot be right
// with one message listing every problem as "<field path>: <what is wrong>; <the fix>".
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { catalog, catalogEntryFromFile, findCatalogEntry, type ConnectionSpec } from '../../drivers/catalog.js';
import { ConfigError } from '../../drivers/errors.js';
import type { BoardChoice } from '../../drivers/uart/board-profile.js';
import { checkPollInterval } from './poll-interval-check.js';
import { modelFileKey } from './model-file-key.js';
import type { CompensationSettings } from '../compensation/compensation.js';
import type { Resolution } from '../records/record-types.js';
import { amsidProblem } from './amsid.js';
import { checkCompensation } from './compensation-checks.js';
import { parseConfigText } from './config-text.js';
import { gatewaySchema } from './config-schema.js';
import { isKnownTimeZone } from '../settlement/periods.js';

export { demoConfig } from './demo-config.js';

export interface MeterConfig {
  id: string;
  /** Catalog id: sdm630, sdm120, em340, b23, bl0942, cse7766, atm90e26, iec62056, or the id of modelFile's model. */
  model: string;
  /** A Modbus meter model as a YAML/JSON file (absolute once parsed); its model is then in the catalog under `model`. */
  modelFile?: string;
  connection: ConnectionSpec;
  unit?: number;
  serial: string;
  amsid: { import: string; export?: string };
  /** What the meter measures; picks the Axle telemetry labels (host-cli/exports/axle-roles.ts). */
  role: 'charger' | 'battery' | 'boundary' | 'solar' | 'other';
  supply: 'ac' | 'dc';
  phases: 1 | 3;
  /** Un, volts. */
  ratedVoltageV: number;
  /** In, amperes: the lowest current at which the meter meets its accuracy class. */
  ratedCurrentA: number;
  /** Imax, amperes. */
  maxCurrentA: number;
  compensation: CompensationSettings;
  /** UART chips: board profile and overrides, e.g. { profile: 'default', pref: '601.5' } (docs/uart-chips.md). */
  board?: BoardChoice;
  /** Demo/test: run the catalog simulator in-process (see docs/configuration.md for the connection convention). */
  simulate?: { profile: 'ev-charging' | 'battery' | 'constant'; ratingW?: number };
}

export interface BrokerSettings {
  url: string;
  clientId?: string;
  username?: string;
  passwordFile?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string; rejectUnauthorized?: boolean };
  keepaliveS?: number;
  embedded?: boolean;
}

export interface GatewayConfig {
  deviceId: string;
  timeZone: string;
  meters: MeterConfig[];
  pollIntervalMs: number;
  persistIntervalMs: number;
  resolutions: Resolution[];
  closeAfterMs: number;
  maxGapMs: number;
  /**
   * Energy-power check: an interval whose register energy differs from the integral of polled power by more than
   * this percent (plus two register resolutions) is flagged energy-power-mismatch. 0 turns the check off. Default 5.
   */
  energyPowerTolerancePct?: number;
  broker: BrokerSettings;
  /** Directory of the SQLite store. */
  storePath: string;
  keys: { dir: string; algorithm: 'ES256' | 'EdDSA' };
  retention: { intervalDays: number; rawReadingDays: number };
  outbox: { maxBacklog: number; alarmBacklog: number };
  /** Installer console: absent = off. */
  console?: { listen: string; port: number };
}

/** Minimum interval retention in days. STATUS [U]: CoP11's storage requirement was not readable; 400 is the project's floor. */
export const MIN_INTERVAL_RETENTION_DAYS = 400;

export const RESOLUTION_MS: Readonly<Record<Resolution, number>> = { PT15M: 900_000, PT30M: 1_800_000, PT60M: 3_600_000 };

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ID_FIX = 'use letters, digits, ".", "_" or "-" (at most 64, no "/", "+", "#" or spaces: it appears in MQTT topics and record ids)';

function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(top level)';
}

/** Turns one zod issue into "<path>: <what is wrong>; <fix>". */
function describeIssue(issue: z.core.$ZodIssue): string {
  const where = fieldPath(issue.path);
  const i = issue as z.core.$ZodIssue & Record<string, unknown>;
  switch (issue.code) {
    case 'invalid_type': {
      if (/received undefined/.test(issue.message)) return `${where}: is missing; add it (${String(i.expected)})`;
      const got = /received (\w+)/.exec(issue.message)?.[1] ?? 'something else';
      return `${where}: is ${got}; expected ${String(i.expected)}`;
    }
    case 'invalid_value':
      return `${where}: is not an accepted value; use one of ${(i.values as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return (i.keys as string[]).map((k) => `${fieldPath([...issue.path, k])}: unknown field; remove it or check its spelling against docs/configuration.md`).join('\n');
    case 'too_small':
      return `${where}: ${issue.message.replace(/^Too small: /, '')}; raise it`;
    case 'too_big':
      return `${where}: ${issue.message.replace(/^Too big: /, '')}; lower it`;
    case 'invalid_union':
      if (issue.path.at(-1) === 'connection') return `${where}: is not a connection; write {tcp: "host:port"} or {serial: "/dev/ttyUSB0", baud: 9600, parity: none}`;
      return `${where}: does not match any accepted form; see docs/configuration.md`;
    default:
      return `${where}: ${issue.message}`;
  }
}

function resolvePath(base: string, p: string): string {
  return isAbsolute(p) ? p : resolve(base, p);
}

/** Validates meaning; returns the problems found (empty when the config can be right). */
function semanticProblems(cfg: GatewayConfig, checkFiles: boolean): string[] {
  const out: string[] = [];
  const bad = (path: string, what: string, fix: string): void => void out.push(`${path}: ${what}; ${fix}`);

  if (!ID_RE.test(cfg.deviceId)) bad('deviceId', `"${cfg.deviceId}" is not a valid id`, ID_FIX);
  if (!isKnownTimeZone(cfg.timeZone)) {
    bad('timeZone', `"${cfg.timeZone}" is not an IANA time zone`, 'use e.g. "Europe/London" (GB settlement days are Europe/London)');
  }

  const ids = new Map<string, number>();
  const amsids = new Map<string, string>();
  cfg.meters.forEach((m, i) => {
    const at = `meters[${i}]`;
    if (!ID_RE.test(m.id)) bad(`${at}.id`, `"${m.id}" is not a valid id`, ID_FIX);
    const dup = ids.get(m.id);
    if (dup !== undefined) bad(`${at}.id`, `"${m.id}" is also the id of meters[${dup}]`, 'give every meter a distinct id');
    else ids.set(m.id, i);

    const entry = m.model ? findCatalogEntry(m.model) : undefined;
    // An IEC 62056-21 readout comes from a single- or a three-phase meter alike.
    const modelPhases = entry ? (entry.transport === 'iec62056' ? null : entry.phases) : undefined;
    if (m.modelFile !== undefined && !entry) {
      // The model file's own problem was reported while loading it.
    } else if (!m.model) {
      bad(`${at}.model`, 'is missing', `name a model (${[...catalog.keys()].join(', ')}) or give modelFile: a meter model file`);
    } else if (modelPhases === undefined) {
      bad(`${at}.model`, `unknown model "${m.model}"`, `use one of ${[...catalog.keys()].join(', ')}`);
    } else if (modelPhases !== null && modelPhases !== m.phases) {
      bad(`${at}.phases`, `is ${m.phases} but a ${m.model} is a ${modelPhases}-phase meter`, `set phases: ${modelPhases}, or choose the right model`);
    }
    if (m.supply === 'dc' && m.phases !== 1) bad(`${at}.phases`, 'is 3 on a d.c. supply', 'set phases: 1 for d.c.');

    if ('tcp' in m.connection) {
      const mm = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(m.connection.tcp);
      const port = mm ? Number(mm[2]) : NaN;
      if (!mm || port > 65535) bad(`${at}.connection.tcp`, `"${m.connection.tcp}" is not host:port`, 'write e.g. "192.168.1.20:502"');
      else if (port === 0 && !m.simulate) bad(`${at}.connection.tcp`, 'port 0 is only meaningful for a simulated meter', 'give the meter\'s real port (502 for Modbus TCP) or add simulate:');
    } else {
      if (m.connection.serial === '') bad(`${at}.connection.serial`, 'is empty', 'give the device path, e.g. /dev/ttyUSB0');
      if (m.connection.serial === 'auto' && !m.simulate) bad(`${at}.connection.serial`, '"auto" is only meaningful for a simulated meter', 'give the device path, e.g. /dev/ttyUSB0, or add simulate:');
    }
    if (m.unit !== undefined && (m.unit < 1 || m.unit > 247)) bad(`${at}.unit`, `is ${m.unit}`, 'use a Modbus unit id from 1 to 247');
    if (m.serial.trim() === '') bad(`${at}.serial`, 'is empty', 'copy the serial number from the meter\'s rating plate (a key field)');

    const imp = amsidProblem(m.amsid.import);
    if (imp) bad(`${at}.amsid.import`, imp, 'copy the 13-digit Import AMSID from the registration exactly');
    if (m.amsid.export !== undefined) {
      const exp = amsidProblem(m.amsid.export);
      if (exp) bad(`${at}.amsid.export`, exp, 'copy the 13-digit Export AMSID from the registration exactly');
      if (m.amsid.export === m.amsid.import) bad(`${at}.amsid.export`, 'equals the import AMSID', 'import and export have separate AMSIDs; remove export if the asset cannot export');
    } else if (m.role === 'battery') {
      bad(`${at}.amsid.export`, 'is missing for a battery, which exports', 'add the Export AMSID of the AMSID pair');
    }
    for (const [dir, id] of [['import', m.amsid.import], ['export', m.amsid.export]] as const) {
      if (id === undefined) continue;
      const other = amsids.get(id);
      if (other && other !== `${at}.amsid.${dir}`) bad(`${at}.amsid.${dir}`, `"${id}" is also ${other}`, 'every AMSID belongs to one meter and one direction');
      else amsids.set(id, `${at}.amsid.${dir}`);
    }

    if (m.maxCurrentA < m.ratedCurrentA) {
      bad(`${at}.maxCurrentA`, `Imax ${m.maxCurrentA} A is below In ${m.ratedCurrentA} A`, 'copy In (ratedCurrentA) and Imax (maxCurrentA) from the rating plate, e.g. 5(100) A means In 5, Imax 100');
    }

    checkPollInterval(m, at, cfg.pollIntervalMs, bad);
    const c = m.compensation;
    checkCompensation(c, at, bad);
    for (const f of ['ctRatioErrorPct', 'ctPhaseMinutes', 'vtRatioErrorPct', 'vtPhaseMinutes'] as const) {
      if (!Number.isFinite(c[f])) bad(`${at}.compensation.${f}`, 'is not a finite number', 'copy it from the transformer certificate, or 0');
    }
    if (Math.abs(c.ctRatioErrorPct) > 10 || Math.abs(c.vtRatioErrorPct) > 10) {
      bad(`${at}.compensation`, 'a transformer ratio error beyond 10 % cannot be a metering transformer', 'check the sign and units (percent) against the certificate');
    }
  });

  const res = cfg.resolutions;
  if (new Set(res).size !== res.length) bad('resolutions', 'lists a resolution twice', 'list each of PT15M, PT30M, PT60M at most once');
  if (!res.includes('PT30M')) bad('resolutions', 'does not include PT30M', 'settlement periods are 30 minutes: include PT30M');
  for (const r of res) {
    const len = RESOLUTION_MS[r];
    if (len % cfg.pollIntervalMs !== 0) bad('pollIntervalMs', `${cfg.pollIntervalMs} ms does not divide ${r} (${len} ms)`, 'choose a poll interval that divides every resolution, e.g. 10000');
    if (len % cfg.persistIntervalMs !== 0) bad('persistIntervalMs', `${cfg.persistIntervalMs} ms does not divide ${r} (${len} ms)`, 'choose a persist interval that divides every resolution, e.g. 300000');
  }
  if (cfg.persistIntervalMs % cfg.pollIntervalMs !== 0) bad('persistIntervalMs', `${cfg.persistIntervalMs} ms is not a whole number of polls of ${cfg.pollIntervalMs} ms`, 'make it a multiple of pollIntervalMs');
  const shortest = Math.min(...res.map((r) => RESOLUTION_MS[r]));
  if (cfg.closeAfterMs >= shortest) bad('closeAfterMs', `${cfg.closeAfterMs} ms is not shorter than the shortest period (${shortest} ms)`, 'close a period well before the next one ends, e.g. 60000');
  if (cfg.maxGapMs < cfg.pollIntervalMs) bad('maxGapMs', `${cfg.maxGapMs} ms is shorter than one poll (${cfg.pollIntervalMs} ms)`, 'allow at least a few polls, e.g. 300000');

  if (cfg.retention.intervalDays < MIN_INTERVAL_RETENTION_DAYS) bad('retention.intervalDays', `is ${cfg.retention.intervalDays}`, `keep intervals at least ${MIN_INTERVAL_RETENTION_DAYS} days`);
  if (cfg.outbox.alarmBacklog >= cfg.outbox.maxBacklog) bad('outbox.alarmBacklog', `${cfg.outbox.alarmBacklog} is not below maxBacklog ${cfg.outbox.maxBacklog}`, 'raise the alarm before the backlog is full, e.g. a quarter of maxBacklog');

  const b = cfg.broker;
  let proto = '';
  try {
    proto = new URL(b.url).protocol;
  } catch {
    bad('broker.url', `"${b.url}" is not a URL`, 'write e.g. mqtt://broker.example:1883 or mqtts://broker.example:8883');
  }
  if (proto && !['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'tls:', 'ws:', 'wss:'].includes(proto)) {
    bad('broker.url', `scheme ${proto} is not MQTT`, 'use mqtt://, mqtts://, ws:// or wss://');
  }
  if (b.tls && (b.tls.certFile === undefined) !== (b.tls.keyFile === undefined)) {
    bad('broker.tls', 'has only one of certFile and keyFile', 'give both for client-certificate authentication, or neither');
  }
  if (b.tls && proto && !['mqtts:', 'ssl:', 'tls:', 'wss:'].includes(proto)) {
    bad('broker.tls', `is set but broker.url uses ${proto}`, 'use an mqtts:// (or wss://) URL with TLS settings');
  }
  if (checkFiles) {
    const files: [string, string | undefined][] = [
      ['broker.passwordFile', b.passwordFile],
      ['broker.tls.caFile', b.tls?.caFile],
      ['broker.tls.certFile', b.tls?.certFile],
      ['broker.tls.keyFile', b.tls?.keyFile],
    ];
    for (const [path, file] of files) {
      if (file !== undefined && !existsSync(file)) bad(path, `file ${file} does not exist`, 'give the path of an existing file (relative paths are relative to the config file)');
    }
  }
  if (b.passwordFile && b.username === undefined) bad('broker.username', 'is missing although passwordFile is set', 'add the username the password belongs to');
  return out;
}

export interface ParseOptions {
  /** Directory relative paths are resolved against (default: the source file's directory, else cwd). */
  baseDir?: string;
  /** Check that broker password/TLS files exist (default true). */
  checkFiles?: boolean;
}

/**
 * Validates a configuration object (already parsed from JSON/YAML). Throws one ConfigError listing
 * every problem, one per line. Relative paths become absolute.
 */
export function parseConfig(input: unknown, source?: string, opts: ParseOptions = {}): GatewayConfig {
  const label = source ?? 'configuration';
  const parsed = gatewaySchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.flatMap((i) => describeIssue(i).split('\n'));
    throw new ConfigError('config-invalid', `${label} cannot be right:\n  ${lines.join('\n  ')}`, { problems: lines, source });
  }
  const base = opts.baseDir ?? (source ? dirname(resolve(source)) : process.cwd());
  const p = parsed.data;
  // Model files are loaded first so that the meters' checks below find their models in the catalog.
  const fileProblems: string[] = [];
  const meters = p.meters.map((m, i) => {
    if (m.modelFile === undefined) return { ...m, model: m.model ?? '' };
    const file = resolvePath(base, m.modelFile);
    try {
      const e = catalogEntryFromFile(file);
      if (m.model !== undefined && m.model !== e.id) {
        fileProblems.push(`meters[${i}].model: is "${m.model}" but ${m.modelFile} defines model "${e.id}"; remove model or make the two agree`);
      }
      return { ...m, model: e.id, modelFile: file };
    } catch (err) {
      fileProblems.push(`meters[${i}].modelFile: ${(err as Error).message}`);
      return { ...m, model: '', modelFile: file };
    }
  });
  const storePath = resolvePath(base, p.storePath);
  const tls = p.broker.tls;
  const cfg: GatewayConfig = {
    ...p,
    meters: meters.map((m) => ({ ...m, connection: m.connection as ConnectionSpec })),
    storePath,
    keys: { dir: resolvePath(base, p.keys.dir ?? 'keys'), algorithm: p.keys.algorithm },
    broker: {
      ...p.broker,
      ...(p.broker.passwordFile !== undefined ? { passwordFile: resolvePath(base, p.broker.passwordFile) } : {}),
      ...(tls
        ? {
            tls: {
              ...tls,
              ...(tls.caFile !== undefined ? { caFile: resolvePath(base, tls.caFile) } : {}),
              ...(tls.certFile !== undefined ? { certFile: resolvePath(base, tls.certFile) } : {}),
              ...(tls.keyFile !== undefined ? { keyFile: resolvePath(base, tls.keyFile) } : {}),
            },
          }
        : {}),
    },
  };
  if (p.keys.dir === undefined) cfg.keys.dir = resolve(storePath, 'keys');
  const problems = [...fileProblems, ...semanticProblems(cfg, opts.checkFiles ?? true)];
  if (problems.length > 0) {
    throw new ConfigError('config-invalid', `${label} cannot be right:\n  ${problems.join('\n  ')}`, { problems, source });
  }
  return cfg;
}

/** Reads a .json, .yaml or .yml configuration file and validates it. */
export function loadConfig(path: string): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('config-unreadable', `cannot read configuration ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); give the path of a .yaml or .json file`);
  }
  const ext = extname(path).toLowerCase();
  let input: unknown;
  try {
    if (ext === '.json') input = parseConfigText(text, 'json');
    else if (ext === '.yaml' || ext === '.yml') input = parseConfigText(text, 'yaml');
    else throw new ConfigError('config-format', `configuration ${path} has extension "${ext}"; expected .json, .yaml or .yml`);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError('config-syntax', `configuration ${path} is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  return parseConfig(input, path);
}

/**
 * The settlement "key fields" (seeds/003 proving-test triggers) as flat strings, so that a change
 * between two configurations can be detected and a proving test asked for.
 */
export function keyFieldsOf(cfg: GatewayConfig): Record<string, string> {
  const out: Record<string, string> = { 'device.id': cfg.deviceId };
  for (const m of cfg.meters) {
    const k = `meter.${m.id}`;
    out[`${k}.model`] = m.model;
    if (m.modelFile !== undefined) out[`${k}.modelFile`] = modelFileKey(m.modelFile);
    out[`${k}.serial`] = m.serial;
    out[`${k}.channels`] = m.amsid.export !== undefined ? 'import,export' : 'import';
    out[`${k}.amsid.import`] = m.amsid.import;
    if (m.amsid.export !== undefined) out[`${k}.amsid.export`] = m.amsid.export;
    out[`${k}.ctRatio`] = m.compensation.ctRatio;
    out[`${k}.vtRatio`] = m.compensation.vtRatio;
    out[`${k}.lossMultiplier`] = m.compensation.lossMultiplier;
    out[`${k}.pulseMultiplier`] = m.compensation.pulseMultiplier;
    out[`${k}.calibrationFactor`] = m.compensation.calibrationFactor;
  }
  return out;
}

/** Key fields that differ between two configurations: [field, before, after]; a non-empty list means a proving test is due. */
export function keyFieldChanges(before: Record<string, string>, after: Record<string, string>): [string, string | null, string | null][] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names
    .filter((n) => before[n] !== after[n])
    .map((n) => [n, before[n] ?? null, after[n] ?? null]);
}
