import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect } from 'mqtt';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../drivers/clock.js';
import { demoConfig } from '../../../device/config/gateway-config.js';
import { Gateway } from '../../../device/runtime/gateway.js';
import { startEmbeddedBroker } from '../../../device/mqtt/embedded-broker.js';
import { topics } from '../../../device/mqtt/topics.js';
import { decodeCompactUnverified } from '../../../device/signing/jws.js';
import type { SignedRecordPayload } from '../../../device/records/record-types.js';
import { FakeMeter } from '../runtime/fake-meter.js';

const root = mkdtempSync(join(tmpdir(), 'amsgate-gwmqtt-'));
const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);

async function until(cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('intervals, alarms, telemetry, status and commands over MQTT', async () => {
  const broker = await startEmbeddedBroker();
  const cfg = demoConfig(join(root, 'd'));
  cfg.meters = [{ ...cfg.meters[1]! }]; // the battery: import and export channels
  const clock = new ManualClock(T0 + 10 * 3_600_000);
  const meter = new FakeMeter(clock);
  meter.powerW = -3000; // discharging
  const dev = cfg.deviceId;
  const got: { topic: string; payload: string; retain: boolean }[] = [];
  const sub = connect(broker.url, { clientId: 'headend', clean: false, protocolVersion: 4 });
  sub.on('message', (topic, p, packet) => got.push({ topic, payload: p.toString(), retain: packet.retain }));
  await new Promise((r) => sub.once('connect', r));
  await sub.subscribeAsync(`amsgate/v1/${dev}/#`, { qos: 1 });

  const gw = new Gateway({ config: cfg, clock, openMeter: meter.opener(), brokerUrl: broker.url });
  await gw.start();
  await until(() => gw.client?.connected === true);
  for (let t = 0; t < 65 * 6; t++) {
    await clock.advance(10_000);
    await new Promise((r) => setImmediate(r));
  }
  await until(() => got.filter((m) => m.topic === topics.interval(dev)).length >= 4);
  const intervals = got.filter((m) => m.topic === topics.interval(dev)).map((m) => decodeCompactUnverified(m.payload).payload as SignedRecordPayload);
  const exp = intervals.find((r) => r.type === 'interval' && r.channel === 'export' && r.quality === 'actual');
  assert.ok(exp && exp.type === 'interval' && exp.energyWh === 1500, JSON.stringify(intervals));

  const tele = got.filter((m) => m.topic === topics.telemetry(dev)).map((m) => JSON.parse(m.payload));
  assert.ok(tele.length > 0);
  assert.equal(tele[0].readings.battery_inverter_import_kw, -3); // + = into the battery
  assert.not.ok('battery_state_of_charge_pct' in tele[0].readings); // never invented
  assert.ok(got.some((m) => m.topic === topics.status(dev) && JSON.parse(m.payload).state === 'online'));
  // The heartbeat (housekeeping) carries the latest sealed seq: a head-end's chain tail.
  const sealed = Math.max(...got.filter((m) => m.topic === topics.interval(dev) || m.topic === topics.alarm(dev)).map((m) => (decodeCompactUnverified(m.payload).payload as SignedRecordPayload).seq));
  await until(() => got.some((m) => m.topic === topics.status(dev) && JSON.parse(m.payload).seq >= sealed));
  assert.is(JSON.parse(got.filter((m) => m.topic === topics.status(dev)).at(-1)!.payload).seq, gw.writer.chain().seq);

  // Commands: ping, resend, test-alarm, and a malformed one.
  const send = (c: object) => sub.publish(topics.command(dev), JSON.stringify(c), { qos: 1 });
  send({ id: 'c1', type: 'ping', sentAt: '2026-01-05T10:00:00Z' });
  send({ id: 'c2', type: 'resend', from: new Date(T0).toISOString(), to: new Date(T0 + 86_400_000).toISOString() });
  send({ id: 'c3', type: 'test-alarm' });
  send({ id: 'c4', type: 'reboot' });
  await until(() => got.filter((m) => m.topic === topics.reply(dev)).length >= 4);
  const replies = Object.fromEntries(got.filter((m) => m.topic === topics.reply(dev)).map((m) => [JSON.parse(m.payload).id, JSON.parse(m.payload)]));
  assert.equal(replies.c1.type, 'pong');
  assert.equal(replies.c1.device, dev);
  assert.equal(replies.c2.records, intervals.length);
  assert.equal(replies.c3.raised, true);
  assert.equal(replies.c4.type, 'error');
  await until(() => got.filter((m) => m.topic === topics.interval(dev)).length >= 2 * intervals.length);
  await until(() => got.filter((m) => m.topic === topics.alarm(dev)).length >= 2);
  const alarmRecs = got.filter((m) => m.topic === topics.alarm(dev)).map((m) => decodeCompactUnverified(m.payload).payload as SignedRecordPayload);
  assert.ok(alarmRecs.some((a) => a.type === 'alarm' && a.alarm === 'test' && a.state === 'raised'));
  // A resend repeats ids only: deduplicated by id the receiver has each interval once.
  const ids = got.filter((m) => m.topic === topics.interval(dev)).map((m) => (decodeCompactUnverified(m.payload).payload as SignedRecordPayload).id);
  assert.equal(new Set(ids).size, intervals.length);

  await gw.stop();
  await until(() => got.some((m) => m.topic === topics.status(dev) && JSON.parse(m.payload).state === 'offline'));
  await sub.endAsync();
  await broker.close();
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
