// The guided commissioning run: instation checks over MQTT, then per meter the installer runs the asset and
// the tool measures. Every check ends in a CheckResult; nothing here prints except through the AnswerSource.
import type { KeyObject } from 'node:crypto';
import type { IClientOptions } from 'mqtt';
import type { Clock } from '../../drivers/clock.js';
import type { MeterDriver, MeterIdentity } from '../../drivers/meter-driver.js';
import { parseDecimal, toNumber } from '../../drivers/rational.js';
import type { MeterConfig } from '../../device/config/gateway-config.js';
import { isYes, type AnswerSource } from './answers.js';
import { REQUIREMENTS, type CheckResult } from './check-result.js';
import { buildRecord, type CommissionedMeter, type CommissioningRecord } from './commissioning-record.js';
import { InstationProbe } from './instation-probe.js';
import {
  clockOffset,
  ctRatioCheck,
  energyAdvance,
  flowDirection,
  integrateWh,
  phaseRotation,
  polarity,
  powerConsistency,
  type Verdict,
} from './measurement-checks.js';
import { middleSample, observe, type Observation } from './meter-observer.js';

export interface CommissionOptions {
  deviceId: string | null;
  meters: MeterConfig[];
  keyFields: Record<string, string>;
  clock: Clock;
  openDriver(m: MeterConfig): Promise<MeterDriver>;
  /** The instation's broker; null when not given (the comms and alarm checks then fail). */
  broker: { url: string; options?: IClientOptions } | null;
  /** The gateway's public key: verifies the test alarm record; and its identity for the record. */
  publicKey: KeyObject | null;
  kid: string | null;
  publicJwk: import('node:crypto').JsonWebKey | null;
  answers: AnswerSource;
  /** How long to integrate power against the register (default 60 s). */
  integrateMs?: number;
  sampleMs?: number;
  mqttTimeoutMs?: number;
}

function result(
  id: string,
  title: string,
  requirement: string,
  meter: string | null,
  method: CheckResult['method'],
  v: Verdict,
): CheckResult {
  return { id, title, requirement, meter, method, status: v.ok ? 'pass' : 'fail', figures: v.figures, detail: v.detail, ...(v.fix ? { fix: v.fix } : {}) };
}

function na(id: string, title: string, requirement: string, meter: string | null, detail: string): CheckResult {
  return { id, title, requirement, meter, method: 'automatic', status: 'not-applicable', figures: {}, detail };
}

function failed(id: string, title: string, requirement: string, meter: string | null, method: CheckResult['method'], detail: string, fix: string, figures: Record<string, string> = {}): CheckResult {
  return { id, title, requirement, meter, method, status: 'fail', figures, detail, fix };
}

async function instationChecks(o: CommissionOptions, checks: CheckResult[]): Promise<void> {
  const commsTitle = 'Remote communication with the instation';
  if (!o.broker || !o.deviceId) {
    const why = !o.broker ? 'no broker given' : 'no device id given';
    const fix = 'give --config (its broker and deviceId) or --broker URL and --device ID, with the gateway running (amsgate run)';
    checks.push(failed('remote-comms', commsTitle, REQUIREMENTS.comms, null, 'automatic', why, fix));
    checks.push(failed('alarms', 'Alarms detected and operated', REQUIREMENTS.alarms, null, 'automatic', `not tried: ${why}`, fix));
    return;
  }
  o.answers.say(`Checking remote communication: ping ${o.deviceId} via ${o.broker.url} ...`);
  let probe: InstationProbe;
  try {
    probe = await InstationProbe.connect(o.broker.url, o.deviceId, o.clock, o.broker.options, o.mqttTimeoutMs ?? 10_000);
  } catch (err) {
    const fix = 'check the broker URL, credentials and TLS settings and that this laptop/gateway can reach the broker';
    checks.push(failed('remote-comms', commsTitle, REQUIREMENTS.comms, null, 'automatic', `cannot connect to the broker: ${(err as Error).message}`, fix));
    checks.push(failed('alarms', 'Alarms detected and operated', REQUIREMENTS.alarms, null, 'automatic', 'not tried: broker unreachable', fix));
    return;
  }
  try {
    const pong = await probe.ping(o.mqttTimeoutMs ?? 10_000);
    if (!pong) {
      checks.push(
        failed('remote-comms', commsTitle, REQUIREMENTS.comms, null, 'automatic', `no pong from ${o.deviceId} within ${(o.mqttTimeoutMs ?? 10_000) / 1000} s`, 'start the gateway (amsgate run --config ...), check its deviceId and that it is connected to the same broker'),
      );
    } else {
      checks.push({
        id: 'remote-comms',
        title: commsTitle,
        requirement: REQUIREMENTS.comms,
        meter: null,
        method: 'automatic',
        status: pong.device === o.deviceId ? 'pass' : 'fail',
        figures: { 'round trip ms': String(pong.replyMs - pong.sentMs), device: pong.device, broker: o.broker.url.replace(/\/\/[^@/]*@/, '//') },
        detail: pong.device === o.deviceId ? `pong from ${pong.device} in ${pong.replyMs - pong.sentMs} ms` : `pong names device ${pong.device}`,
        ...(pong.device === o.deviceId ? {} : { fix: 'two gateways share a device id: give each a distinct deviceId' }),
      });
      checks.push(result('clock-offset', 'Gateway clock', REQUIREMENTS.plausibility, null, 'automatic', clockOffset(pong.sentMs, pong.replyMs, pong.gatewayMs)));
    }
    o.answers.say('Operating the test alarm ...');
    const ta = await probe.testAlarm(o.publicKey, o.mqttTimeoutMs ?? 15_000);
    const raised = ta.records.find((r) => r.state === 'raised');
    const cleared = ta.records.find((r) => r.state === 'cleared');
    const sigOk = ta.records.every((r) => r.signature !== 'bad');
    const ok = ta.replied && ta.raised && !!raised && !!cleared && sigOk;
    checks.push({
      id: 'alarms',
      title: 'Alarms detected and operated',
      requirement: REQUIREMENTS.alarms,
      meter: null,
      method: 'automatic',
      status: ok ? 'pass' : 'fail',
      figures: {
        'command reply': ta.replied ? (ta.raised ? 'raised' : 'refused') : 'none',
        'raised record': raised ? `${raised.id} (seq ${raised.seq}, signature ${raised.signature})` : 'not received',
        'cleared record': cleared ? `${cleared.id} (seq ${cleared.seq}, signature ${cleared.signature})` : 'not received',
      },
      detail: ok ? 'the test alarm was raised and cleared, and both signed alarm records reached the instation' : !sigOk ? 'an alarm record arrived with a signature that does not verify with the device key' : 'the test alarm did not come back through the instation',
      ...(ok ? {} : { fix: !sigOk ? 'the gateway signs with another key than the one in --config/--key-dir: check keys.dir' : 'check that the gateway publishes alarms (outbox backlog, broker ACLs for amsgate/v1/<device>/alarm) and repeat' }),
    });
  } finally {
    await probe.close();
  }
}

function identityCheck(m: MeterConfig, id: MeterIdentity | null): CheckResult {
  const title = 'Meter identity (serial number, a key field)';
  if (!id || !id.serial) {
    return { id: `identity:${m.id}`, title, requirement: REQUIREMENTS.keyFields, meter: m.id, method: 'automatic', status: 'not-applicable', figures: { configured: m.serial }, detail: `the ${m.model} does not report its serial; the configured serial ${m.serial} is recorded` };
  }
  const ok = id.serial.trim() === m.serial.trim();
  return {
    id: `identity:${m.id}`,
    title,
    requirement: REQUIREMENTS.keyFields,
    meter: m.id,
    method: 'automatic',
    status: ok ? 'pass' : 'fail',
    figures: { configured: m.serial, reported: id.serial, ...(id.firmware ? { firmware: id.firmware } : {}) },
    detail: ok ? 'the meter reports the configured serial' : `the meter reports serial ${id.serial}, the configuration says ${m.serial}`,
    ...(ok ? {} : { fix: 'correct meters[].serial in the configuration (a key field change: a proving test follows), or connect the right meter' }),
  };
}

async function runDirection(
  o: CommissionOptions,
  m: MeterConfig,
  driver: MeterDriver,
  dir: 'import' | 'export',
  checks: CheckResult[],
): Promise<Observation | null> {
  const what = dir === 'import' ? (m.role === 'battery' ? 'charging' : m.role === 'charger' ? 'charging a vehicle' : 'importing') : m.role === 'battery' ? 'discharging (exporting)' : 'exporting';
  const running = isYes(
    await o.answers.ask({ id: `${dir}-running.${m.id}`, text: `Meter ${m.id}: is the asset now ${what} at a steady load?`, kind: 'yes-no' }),
  );
  const title = `Direction of power flow: ${dir}`;
  if (running !== true) {
    checks.push(failed(`direction-${dir}:${m.id}`, title, REQUIREMENTS.direction, m.id, 'installer', `the asset was not run ${what}`, `run the asset ${what} and repeat the commissioning`));
    return null;
  }
  const ms = o.integrateMs ?? 60_000;
  o.answers.say(`Measuring ${m.id} for ${ms / 1000} s while ${what} ...`);
  const obs = await observe(driver, o.clock, ms, o.sampleMs ?? 1000);
  checks.push(result(`direction-${dir}:${m.id}`, title, REQUIREMENTS.direction, m.id, 'mixed', flowDirection(dir, obs.advanceWh, obs.resolutionWh)));
  const mid = middleSample(obs);
  const pol = polarity(mid.instant, dir === 'import' ? 1 : -1);
  checks.push(
    pol
      ? result(`polarity-${dir}:${m.id}`, `Polarity under a known ${dir} load`, REQUIREMENTS.polarity, m.id, 'mixed', pol)
      : failed(`polarity-${dir}:${m.id}`, `Polarity under a known ${dir} load`, REQUIREMENTS.polarity, m.id, 'automatic', 'the meter reports no active power', 'choose a meter model that reports active power'),
  );
  const pc = powerConsistency(mid.instant);
  checks.push(pc ? result(`power-vip-${dir}:${m.id}`, 'Power against V x I x PF', REQUIREMENTS.plausibility, m.id, 'automatic', pc) : na(`power-vip-${dir}:${m.id}`, 'Power against V x I x PF', REQUIREMENTS.plausibility, m.id, 'the meter does not report V, I and PF together'));
  const adv = obs.advanceWh[dir];
  if (adv !== null && obs.power.length >= 2) {
    checks.push(result(`energy-${dir}:${m.id}`, `Energy register against the integral of power (${ms / 1000} s)`, REQUIREMENTS.plausibility, m.id, 'automatic', energyAdvance(adv, integrateWh(obs.power), obs.resolutionWh)));
  }
  return obs;
}

async function meterChecks(o: CommissionOptions, m: MeterConfig, checks: CheckResult[]): Promise<CommissionedMeter> {
  const meta: CommissionedMeter = {
    id: m.id,
    model: m.model,
    makeModel: m.model,
    serial: m.serial,
    serialReported: null,
    amsidImport: m.amsid.import || null,
    amsidExport: m.amsid.export ?? null,
    ctOperated: m.compensation.ctRatio !== '1' || m.compensation.vtRatio !== '1',
    phases: m.phases,
  };
  let driver: MeterDriver;
  try {
    driver = await o.openDriver(m);
  } catch (err) {
    checks.push(failed(`meter-comms:${m.id}`, 'Local communication with the meter', REQUIREMENTS.plausibility, m.id, 'automatic', `cannot open the meter: ${(err as Error).message}`, 'check the meter connection (cable, port, unit id, line settings) with amsgate read, then repeat'));
    return meta;
  }
  try {
    let ident: MeterIdentity | null = null;
    try {
      ident = await driver.identify();
      meta.makeModel = `${ident.vendor} ${ident.model}`;
      meta.serialReported = ident.serial ?? null;
    } catch {
      ident = null;
    }
    checks.push(identityCheck(m, ident));

    const imp = await runDirection(o, m, driver, 'import', checks);

    // Phase rotation: measured where the meter reports voltage angles, else the installer's rotation meter.
    const rotTitle = 'Phase rotation';
    if (m.phases === 1) {
      checks.push(na(`rotation:${m.id}`, rotTitle, REQUIREMENTS.rotation, m.id, 'single phase: no rotation'));
    } else {
      const angles = imp ? middleSample(imp).instant.phaseAngleDeg : undefined;
      if (angles && angles.length >= 3) {
        checks.push(result(`rotation:${m.id}`, rotTitle, REQUIREMENTS.rotation, m.id, 'automatic', phaseRotation(angles)));
      } else {
        const a = isYes(await o.answers.ask({ id: `rotation-standard.${m.id}`, text: `Meter ${m.id}: does a phase rotation meter at the terminals show standard rotation (L1-L2-L3)?`, kind: 'yes-no' }));
        checks.push(
          a === true
            ? { id: `rotation:${m.id}`, title: rotTitle, requirement: REQUIREMENTS.rotation, meter: m.id, method: 'installer', status: 'pass', figures: { installer: 'standard' }, detail: 'the installer confirmed standard rotation' }
            : failed(`rotation:${m.id}`, rotTitle, REQUIREMENTS.rotation, m.id, 'installer', a === false ? 'the installer found non-standard rotation' : 'not confirmed', 'swap two phases at the incoming terminals to get L1-L2-L3, then repeat'),
        );
      }
    }

    // CT ratio against a clamp reading, where CTs are fitted.
    const ct = toNumber(parseDecimal(m.compensation.ctRatio));
    if (ct === 1) {
      checks.push(na(`ct-ratio:${m.id}`, 'CT ratio against a clamp reading', REQUIREMENTS.plausibility, m.id, 'whole current: no CTs fitted'));
    } else {
      const clamp = await o.answers.ask({ id: `ct-clamp-a.${m.id}`, text: `Meter ${m.id}: primary current on L1 measured with a clamp meter, amperes?`, kind: 'number' });
      const meterA = imp ? middleSample(imp).instant.currentA?.[0] : undefined;
      if (clamp === null || !Number.isFinite(Number(clamp)) || meterA === undefined) {
        checks.push(failed(`ct-ratio:${m.id}`, 'CT ratio against a clamp reading', REQUIREMENTS.plausibility, m.id, 'mixed', clamp === null ? 'no clamp reading given' : 'no meter current to compare', 'measure the primary current of L1 with a clamp meter while the asset runs and enter it'));
      } else {
        checks.push(result(`ct-ratio:${m.id}`, 'CT ratio against a clamp reading', REQUIREMENTS.plausibility, m.id, 'mixed', ctRatioCheck(Number(clamp), meterA, ct)));
      }
    }

    if (m.amsid.export !== undefined) {
      await runDirection(o, m, driver, 'export', checks);
    } else {
      checks.push(na(`direction-export:${m.id}`, 'Direction of power flow: export', REQUIREMENTS.direction, m.id, 'no export AMSID registered'));
    }
  } finally {
    await driver.close();
  }
  return meta;
}

export async function runCommissioning(o: CommissionOptions): Promise<CommissioningRecord> {
  const checks: CheckResult[] = [];
  const installer = await o.answers.ask({ id: 'installer', text: 'Installer name and company?', kind: 'text' });
  await instationChecks(o, checks);
  const meters: CommissionedMeter[] = [];
  for (const m of o.meters) meters.push(await meterChecks(o, m, checks));
  checks.push({
    id: 'key-fields',
    title: 'Key fields recorded',
    requirement: REQUIREMENTS.keyFields,
    meter: null,
    method: 'automatic',
    status: 'pass',
    figures: o.keyFields,
    detail: `${Object.keys(o.keyFields).length} key fields recorded; a later change of any of them calls for a proving test (amsgate prove)`,
  });
  return buildRecord({
    deviceId: o.deviceId,
    at: o.clock.now(),
    installer,
    meters,
    keyFields: o.keyFields,
    checks,
    kid: o.kid,
    publicJwk: o.publicJwk,
  });
}
