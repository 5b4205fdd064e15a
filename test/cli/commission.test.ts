// End to end: a simulated SDM630 on Modbus TCP, the real gateway runtime on an in-process broker, and the
// commissioning command talking to both, on a clock 60x faster than real time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogEntry, type RunningSimulator } from '../../drivers/catalog.js';
import { scaledClock } from '../../drivers/clock.js';
import { parseConfig } from '../../device/config/gateway-config.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../device/mqtt/embedded-broker.js';
import { Gateway } from '../../device/runtime/gateway.js';
import { loadOrCreateDeviceKey } from '../../device/signing/device-key.js';
import { verifyCompact } from '../../device/signing/jws.js';
import { commissionCommand, type CommissionCliOptions } from '../../host-cli/commands/commission.js';
import { answerSource } from '../../host-cli/commissioning/answers.js';
import { runCommissioning } from '../../host-cli/commissioning/commission-run.js';
import { keyFromCommissioning } from '../../host-cli/collector/registry.js';
import { waitFor } from '../helpers/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'amsgate-commission-'));
const clock = scaledClock(60);
let sim: RunningSimulator;
let broker: EmbeddedBroker;
let gateway: Gateway;
let configFile: string;
const quiet = (): void => {};

test.before(async () => {
  sim = await catalogEntry('sdm630').startSimulator({ listen: { tcp: '127.0.0.1:0' }, unit: 1, clock, profile: 'constant', ratingW: 7000, wireTiming: false });
  broker = await startEmbeddedBroker(0);
  const raw = {
    deviceId: 'gw-comm-1',
    meters: [
      {
        id: 'charger',
        model: 'sdm630',
        connection: { tcp: sim.address },
        unit: 1,
        serial: '12345678',
        amsid: { import: '2000000000015' },
        role: 'charger',
        phases: 3,
        ratedVoltageV: 230,
        ratedCurrentA: 5,
        maxCurrentA: 100,
      },
    ],
    broker: { url: broker.url },
    storePath: join(dir, 'data'),
  };
  configFile = join(dir, 'gateway.json');
  writeFileSync(configFile, JSON.stringify(raw));
  const cfg = parseConfig(raw, configFile);
  gateway = new Gateway({ config: cfg, clock, brokerUrl: broker.url });
  await gateway.start();
  await waitFor(() => gateway.client?.connected === true, 'the gateway to connect to the broker', 30_000);
});

test.after(async () => {
  await gateway?.stop();
  await sim?.close();
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

const base = (over: Partial<CommissionCliOptions> = {}): CommissionCliOptions => ({
  config: configFile,
  out: join(dir, 'out'),
  integrateS: 60,
  sampleMs: 2000,
  timeoutS: 5,
  ...over,
});

test('a correctly wired meter passes every check and the record is signed with the device key', async () => {
  sim.physical.force(null);
  const answers = join(dir, 'answers.yaml');
  // The simulated asset imports (constant 7 kW); the export run is tested below with a forced export.
  // The SDM630 reports no voltage angles, so rotation is the installer's answer (from a rotation meter).
  writeFileSync(answers, 'installer: "A. Installer, Example Ltd"\nimport-running: yes\nrotation-standard: yes\n');
  const { code, record, files } = await commissionCommand(base({ answers }), clock, quiet);
  const byId = Object.fromEntries(record.checks.map((c) => [c.id, c]));
  for (const c of record.checks) assert.ok(c.status !== 'fail', `${c.id}: ${c.detail}`);
  assert.is(code, 0);
  assert.is(record.result, 'pass');
  assert.is(record.notification.commissioningStatus, 'commissioned');
  assert.is(byId['remote-comms']!.status, 'pass');
  assert.is(byId['alarms']!.status, 'pass');
  assert.match(byId['alarms']!.figures['raised record']!, /signature verified/);
  assert.is(byId['direction-import:charger']!.status, 'pass');
  assert.is(byId['polarity-import:charger']!.status, 'pass');
  assert.is(byId['rotation:charger']!.status, 'pass');
  assert.is(byId['rotation:charger']!.method, 'installer');
  assert.is(byId['power-vip-import:charger']!.status, 'pass');
  assert.is(byId['energy-import:charger']!.status, 'pass');
  // The SDM630 model exposes no serial register: the configured serial is recorded, not compared.
  assert.is(byId['identity:charger']!.status, 'not-applicable');
  assert.is(byId['ct-ratio:charger']!.status, 'not-applicable');
  assert.is(byId['direction-export:charger']!.status, 'not-applicable');
  assert.is(record.installer, 'A. Installer, Example Ltd');
  assert.is(record.notification.measurementTransformerCommissioningCompleted, false);
  assert.is(record.notification.defectOmissionReason, '08 Meter on site not CT operated');
  assert.is(record.keyFields['meter.charger.serial'], '12345678');
  // Signed with the gateway's own key; the collector can register the device from the JSON.
  const key = loadOrCreateDeviceKey(join(dir, 'data', 'keys'));
  const { header, payload } = verifyCompact(readFileSync(files.jws!, 'utf8'), key.publicKey);
  assert.is(header.typ, 'amsgate-commissioning+jws');
  assert.equal(payload, JSON.parse(readFileSync(files.json!, 'utf8')));
  assert.is(record.kid, key.kid);
  // The collector registers the device's key straight from the record.
  const registered = keyFromCommissioning(readFileSync(files.json!, 'utf8'), Date.now());
  assert.is(registered.kid, key.kid);
  assert.is(registered.device, 'gw-comm-1');
  const html = readFileSync(files.html!, 'utf8');
  assert.match(html, /08 Meter on site not CT operated/);
  assert.match(html, /Result: PASS: commissioned/);
  assert.not.match(html, /<script/);
});

test('import and export runs pass when the asset really exports on request', async () => {
  sim.physical.force(null);
  const cfg = parseConfig(JSON.parse(readFileSync(configFile, 'utf8')), configFile);
  const key = loadOrCreateDeviceKey(cfg.keys.dir);
  const base = answerSource({ answers: { installer: 'T', 'import-running': 'yes', 'rotation-standard': 'yes' }, interactive: false, log: quiet });
  const answers = {
    ...base,
    async ask(q: { id: string; text: string; kind: 'yes-no' | 'number' | 'text' }) {
      if (q.id.startsWith('export-running')) {
        // The installer switches the battery to discharge: 3 x 230 V x 10 A, current opposite to voltage.
        sim.physical.force({ voltageV: 230, currentA: 10, phaseDeg: 180, frequencyHz: 50 });
        return 'yes';
      }
      return base.ask(q);
    },
  };
  // A battery: the same meter with an export AMSID, so the export direction is commissioned too.
  const record = await runCommissioning({
    deviceId: cfg.deviceId,
    meters: cfg.meters.map((m) => ({ ...m, role: 'battery' as const, amsid: { ...m.amsid, export: '2000000000024' } })),
    keyFields: {},
    clock,
    openDriver: (m) => catalogEntry(m.model).openDriver(m.connection, { unit: m.unit, clock }),
    broker: { url: broker.url },
    publicKey: key.publicKey,
    kid: key.kid,
    publicJwk: key.publicJwk,
    answers,
    integrateMs: 60_000,
    sampleMs: 2000,
    mqttTimeoutMs: 5000,
  });
  const failed = record.checks.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.detail}`);
  assert.equal(failed, []);
  const exp = record.checks.find((c) => c.id === 'direction-export:charger')!;
  assert.is(exp.status, 'pass');
  assert.ok(Number(exp.figures['export advance Wh']) > 50, 'about 115 Wh in a simulated minute');
  assert.is(record.checks.find((c) => c.id === 'polarity-export:charger')!.status, 'pass');
  assert.is(record.result, 'pass');
});

test('a meter wired the wrong way round fails direction and polarity with the fix', async () => {
  // The installer runs the asset importing, but the meter sees export: supply and load swapped.
  sim.physical.force({ voltageV: 230, currentA: 10, phaseDeg: 180, frequencyHz: 50 });
  const answers = join(dir, 'answers-reversed.yaml');
  writeFileSync(answers, 'installer: T\nimport-running: yes\nexport-running: no\nrotation-standard: yes\n');
  const { code, record, files } = await commissionCommand(base({ answers, integrateS: 30 }), clock, quiet);
  assert.is(code, 1);
  const dirCheck = record.checks.find((c) => c.id === 'direction-import:charger')!;
  assert.is(dirCheck.status, 'fail');
  assert.is(dirCheck.detail, 'the export register advanced instead of the import register');
  assert.match(dirCheck.fix!, /swap supply and load/);
  const pol = record.checks.find((c) => c.id === 'polarity-import:charger')!;
  assert.is(pol.status, 'fail');
  assert.is(record.result, 'fail');
  assert.is(record.notification.commissioningStatus, 'not commissioned');
  assert.match(readFileSync(files.html!, 'utf8'), /<tr class="fail">/);
  // The collector will not register a device from a failed commissioning.
  assert.throws(() => keyFromCommissioning(readFileSync(files.json!, 'utf8'), Date.now()), /result "fail"/);
  sim.physical.force(null);
});

test('an unreachable instation fails remote comms and alarms, saying what to check', async () => {
  const answers = join(dir, 'answers-min.yaml');
  writeFileSync(answers, 'installer: T\nimport-running: yes\nexport-running: no\n');
  const { record } = await commissionCommand(base({ answers, broker: 'mqtt://127.0.0.1:1', integrateS: 10, timeoutS: 2 }), clock, quiet);
  const comms = record.checks.find((c) => c.id === 'remote-comms')!;
  assert.is(comms.status, 'fail');
  assert.match(comms.detail, /cannot connect to the broker/);
  assert.match(comms.fix!, /broker URL/);
  assert.is(record.checks.find((c) => c.id === 'alarms')!.status, 'fail');
});

test.run();
