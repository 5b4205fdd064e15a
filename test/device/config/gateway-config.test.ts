import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../drivers/errors.js';
import { amsidCheckDigit, amsidProblem, withCheckDigit } from '../../../device/config/amsid.js';
import {
  demoConfig,
  keyFieldChanges,
  keyFieldsOf,
  loadConfig,
  parseConfig,
} from '../../../device/config/gateway-config.js';

const dir = mkdtempSync(join(tmpdir(), 'amsgate-cfg-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const EXAMPLE = new URL('../../../fixtures/config/example.yaml', import.meta.url).pathname;

function meter(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'm1',
    model: 'sdm630',
    connection: { tcp: '10.0.0.2:502' },
    serial: 'S1',
    amsid: { import: '2000000000015' },
    role: 'charger',
    phases: 3,
    ratedVoltageV: 230,
    ratedCurrentA: 5,
    maxCurrentA: 100,
    ...over,
  };
}
const minimal = (over: Record<string, unknown> = {}) => ({ deviceId: 'gw1', meters: [meter()], ...over });

/** The problem lines of a refusal. */
function problems(input: unknown): string[] {
  try {
    parseConfig(input, undefined, { baseDir: dir });
  } catch (e) {
    assert.instance(e, ConfigError);
    return ((e as ConfigError).context.problems as string[]) ?? [];
  }
  assert.unreachable('config was accepted');
  return [];
}

test('the example YAML loads, with defaults filled and relative paths resolved', () => {
  const cfg = loadConfig(EXAMPLE);
  assert.is(cfg.deviceId, 'gw-0001');
  assert.is(cfg.meters.length, 2);
  assert.is(cfg.meters[1]!.supply, 'ac');
  assert.is(cfg.meters[1]!.compensation.lossMultiplier, '1.02');
  assert.is(cfg.meters[0]!.compensation.ctRatio, '1');
  assert.is(cfg.broker.passwordFile, join(EXAMPLE, '..', 'secrets', 'mqtt-password'));
  assert.is(cfg.keys.algorithm, 'ES256');
});

test('defaults of a minimal config', () => {
  const cfg = parseConfig(minimal(), undefined, { baseDir: dir });
  assert.is(cfg.timeZone, 'Europe/London');
  assert.is(cfg.pollIntervalMs, 10_000);
  assert.is(cfg.persistIntervalMs, 300_000);
  assert.equal(cfg.resolutions, ['PT30M']);
  assert.is(cfg.storePath, join(dir, 'data'));
  assert.is(cfg.keys.dir, join(dir, 'data', 'keys'));
  assert.is(cfg.retention.intervalDays, 400);
  assert.is(cfg.broker.url, 'mqtt://127.0.0.1:1883');
  assert.equal(cfg.meters[0]!.compensation, {
    ctRatio: '1', vtRatio: '1', ctRatioErrorPct: 0, ctPhaseMinutes: 0, vtRatioErrorPct: 0, vtPhaseMinutes: 0,
    lossMultiplier: '1', pulseMultiplier: '1', calibrationFactor: '1',
  });
});

test('numbers for exact decimals are accepted as their text', () => {
  const cfg = parseConfig(minimal({ meters: [meter({ compensation: { lossMultiplier: 1.02, ctRatio: 40 } })] }), undefined, { baseDir: dir });
  assert.is(cfg.meters[0]!.compensation.lossMultiplier, '1.02');
  assert.is(cfg.meters[0]!.compensation.ctRatio, '40');
});

test('structural problems: missing, wrong type, unknown field, bad enum', () => {
  assert.equal(problems({ meters: [meter({ role: 'heatpump', phases: '3', colour: 'red' })] }), [
    'deviceId: is missing; add it (string)',
    'meters[0].role: is not an accepted value; use one of "charger", "battery", "boundary", "solar", "other"',
    'meters[0].phases: is not an accepted value; use one of 1, 3',
    'meters[0].colour: unknown field; remove it or check its spelling against docs/configuration.md',
  ]);
});

test('every meaning problem is listed at once with its fix', () => {
  const input = minimal({
    pollIntervalMs: 7000,
    retention: { intervalDays: 90 },
    meters: [
      meter({ maxCurrentA: 4, amsid: { import: '2000000000016' }, compensation: { ctRatio: '0', lossMultiplier: '-1' } }),
      meter({ model: 'sdm999' }),
      meter({ id: 'bat', model: 'bl0942', phases: 3, role: 'battery', amsid: { import: '2000000000024' }, connection: { serial: '/dev/ttyS0' } }),
    ],
  });
  assert.equal(problems(input), [
    'meters[0].amsid.import: "2000000000016" has check digit 6, but its first 12 digits give 5; copy the 13-digit Import AMSID from the registration exactly',
    'meters[0].maxCurrentA: Imax 4 A is below In 5 A; copy In (ratedCurrentA) and Imax (maxCurrentA) from the rating plate, e.g. 5(100) A means In 5, Imax 100',
    'meters[0].compensation.ctRatio: is 0, which is not greater than 0; write the ratio as one decimal, e.g. "40" for 200/5; "1" for whole current',
    'meters[0].compensation.lossMultiplier: is -1, which is not greater than 0; write the multiplier as a positive decimal, e.g. "1.02"; "1" when there are no losses',
    'meters[1].id: "m1" is also the id of meters[0]; give every meter a distinct id',
    'meters[1].model: unknown model "sdm999"; use one of sdm630, sdm120, em340, b23, bl0942, cse7766, atm90e26, iec62056',
    'meters[2].phases: is 3 but a bl0942 is a 1-phase meter; set phases: 1, or choose the right model',
    'meters[2].amsid.export: is missing for a battery, which exports; add the Export AMSID of the AMSID pair',
    'pollIntervalMs: 7000 ms does not divide PT30M (1800000 ms); choose a poll interval that divides every resolution, e.g. 10000',
    'persistIntervalMs: 300000 ms is not a whole number of polls of 7000 ms; make it a multiple of pollIntervalMs',
    'retention.intervalDays: is 90; keep intervals at least 400 days',
  ]);
});

test('the ConfigError message carries every line, prefixed by the source', () => {
  try {
    parseConfig(minimal({ deviceId: 'gw/1' }), 'gw.yaml', { baseDir: dir });
    assert.unreachable();
  } catch (e) {
    assert.is(
      (e as Error).message,
      'gw.yaml cannot be right:\n  deviceId: "gw/1" is not a valid id; use letters, digits, ".", "_" or "-" (at most 64, no "/", "+", "#" or spaces: it appears in MQTT topics and record ids)',
    );
  }
});

test('broker: TLS files must exist, TLS needs mqtts, password needs a user', () => {
  assert.equal(
    problems(minimal({ broker: { url: 'mqtt://h:1883', passwordFile: 'nope.txt', tls: { caFile: 'ca.pem' } } })),
    [
      'broker.tls: is set but broker.url uses mqtt:; use an mqtts:// (or wss://) URL with TLS settings',
      `broker.passwordFile: file ${join(dir, 'nope.txt')} does not exist; give the path of an existing file (relative paths are relative to the config file)`,
      `broker.tls.caFile: file ${join(dir, 'ca.pem')} does not exist; give the path of an existing file (relative paths are relative to the config file)`,
      'broker.username: is missing although passwordFile is set; add the username the password belongs to',
    ],
  );
});

test('simulator placeholders are only allowed with simulate', () => {
  assert.equal(problems(minimal({ meters: [meter({ connection: { tcp: '127.0.0.1:0' } })] })), [
    "meters[0].connection.tcp: port 0 is only meaningful for a simulated meter; give the meter's real port (502 for Modbus TCP) or add simulate:",
  ]);
  parseConfig(minimal({ meters: [meter({ connection: { tcp: '127.0.0.1:0' }, simulate: { profile: 'constant' } })] }), undefined, { baseDir: dir });
});

test('loadConfig: JSON and YAML, unknown extension and syntax errors refused', () => {
  const j = join(dir, 'gw.json');
  writeFileSync(j, JSON.stringify(minimal()));
  assert.is(loadConfig(j).deviceId, 'gw1');
  const t = join(dir, 'gw.toml');
  writeFileSync(t, 'x');
  assert.throws(() => loadConfig(t), /has extension ".toml"; expected .json, .yaml or .yml/);
  const y = join(dir, 'bad.yaml');
  writeFileSync(y, 'deviceId: [unclosed');
  assert.throws(() => loadConfig(y), (e: Error) => e instanceof ConfigError && /is not valid YAML/.test(e.message));
  assert.throws(() => loadConfig(join(dir, 'missing.yaml')), /cannot read configuration .*missing.yaml \(ENOENT\)/);
});

test('AMSID check digit', () => {
  assert.is(amsidCheckDigit('200000000001'), 5);
  assert.is(withCheckDigit('140000000001'), '1400000000010');
  assert.is(amsidProblem('2000000000015'), null);
  assert.is(amsidProblem('200000000001'), '"200000000001" is not 13 digits');
});

test('key fields cover the proving-test triggers and detect changes', () => {
  const cfg = loadConfig(EXAMPLE);
  const k = keyFieldsOf(cfg);
  assert.is(k['device.id'], 'gw-0001');
  assert.is(k['meter.charger.serial'], '21080001');
  assert.is(k['meter.battery.channels'], 'import,export');
  assert.is(k['meter.battery.lossMultiplier'], '1.02');
  for (const f of ['ctRatio', 'vtRatio', 'pulseMultiplier', 'calibrationFactor']) assert.is(k[`meter.charger.${f}`], '1');
  const changed = { ...k, 'meter.charger.serial': '99' };
  assert.equal(keyFieldChanges(k, changed), [['meter.charger.serial', '21080001', '99']]);
  assert.equal(keyFieldChanges(k, k), []);
});

test('demoConfig: simulated SDM630 charger and BL0942 battery; valid except for the placeholders', () => {
  const d = demoConfig(dir);
  assert.equal(d.meters.map((m) => [m.model, m.role, m.phases, m.simulate?.profile]), [
    ['sdm630', 'charger', 3, 'ev-charging'],
    ['bl0942', 'battery', 1, 'battery'],
  ]);
  assert.ok(d.broker.embedded);
  assert.is(d.storePath, dir);
  // The demo must pass the same validation a file would.
  assert.is(parseConfig(d, undefined, { baseDir: dir }).deviceId, d.deviceId);
});

test.run();
