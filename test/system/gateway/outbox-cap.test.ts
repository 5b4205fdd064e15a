// The outbox cap (outbox.maxBacklog) is reached during a broker outage in which the meter's comms also fail for a
// while: the oldest delivery attempts are dropped, never the records. When the link returns the head-end finds
// the holes in the chain and asks for them by sequence range; the resend must bring back every missing record,
// intervals and alarms alike. Then every record and period is there and the energy equals the simulator's advance.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { GatewayStore } from '../../../device/store/gateway-store.js';
import { topics } from '../../../device/mqtt/topics.js';
import { TcpSwitch } from './tcp-switch.js';
import { Scenario } from './fault-scenario.js';

const MIN = 60_000;

function storeAlarmActive(dir: string, kind: string): boolean {
  const store = GatewayStore.open(join(dir, 'data', 'gateway.db'), { readonly: true });
  try {
    return store.activeAlarms().some((a) => a.kind === kind);
  } finally {
    store.close();
  }
}
const SPEED = 300;
const MAX_BACKLOG = 2;

test('outbox cap reached during an outage: no signed record lost, resend by seq recovers intervals and alarms', async () => {
  const t0 = Date.now();
  const link = await TcpSwitch.create({ host: '127.0.0.1', port: 1883 });
  const s = await Scenario.start('outboxcap', SPEED, {
    outbox: { maxBacklog: MAX_BACKLOG, alarmBacklog: 1 },
    broker: { url: `mqtt://127.0.0.1:${link.port}`, clientId: `gw-outboxcap-${process.pid}` },
  });
  try {
    await link.up();
    const gw = s.spawn();
    await s.firstReading(gw);
    s.load(true);
    await s.simWait(10 * MIN);
    await link.down();
    await s.simWait(20 * MIN);
    // Each failed read takes seconds of real time (the gateway's real timeout floor): wait for the alarm itself.
    s.sim.setFaults({ timeoutRate: 1 });
    await s.until('meter-comms-failure raised in the store', () => storeAlarmActive(s.dir, 'meter-comms-failure'), 30_000);
    const failedAt = s.tl.clock.now();
    s.sim.setFaults({});
    await s.until('meter-comms-failure cleared in the store', () => !storeAlarmActive(s.dir, 'meter-comms-failure'), 30_000);
    await s.simWait(40 * MIN);
    await link.up();
    // What the capped outbox still held arrives; the holes are what it dropped.
    await s.until('the backlog-limit alarm to clear', () => s.alarms().includes('backlog-limit:cleared'), 60_000);
    const have = new Set(s.head.received.map((r) => r.payload.seq));
    const max = s.head.maxSeq();
    const holes = [...Array(max).keys()].map((i) => i + 1).filter((q) => !have.has(q));
    assert.ok(holes.length > 0, `the cap of ${MAX_BACKLOG} dropped nothing over the outage (max seq ${max})`);
    const reply = new Promise<{ type: string; records?: number; notStored?: number }>((resolve) => {
      s.head.client.on('message', (topic, p) => {
        if (topic === topics.reply(s.deviceId)) resolve(JSON.parse(p.toString()));
      });
    });
    await s.head.client.subscribeAsync(topics.reply(s.deviceId), { qos: 1 });
    const fromSeq = holes[0]!;
    const toSeq = holes[holes.length - 1]!;
    await s.head.client.publishAsync(topics.command(s.deviceId), JSON.stringify({ id: 'r1', type: 'resend', fromSeq, toSeq }), { qos: 1 });
    const rep = await reply;
    assert.is(rep.type, 'resend', JSON.stringify(rep));
    assert.is(rep.notStored, 0, `the store lost records of ${fromSeq}..${toSeq}: ${JSON.stringify(rep)}`);
    await s.until(`seqs ${fromSeq}..${toSeq} after the resend`, () => holes.every((q) => s.head.received.some((r) => r.payload.seq === q)), 30_000);
    const recovered = s.head.received.filter((r) => holes.includes(r.payload.seq));
    const types = new Set(recovered.map((r) => r.payload.type));
    const r = await s.finish(gw);
    const alarms = s.alarms();
    console.log(`${r.summary}; ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    console.log(`outboxcap: ${holes.length} records dropped from the outbox (seq ${fromSeq}..${toSeq}), resend ${rep.records} records of types ${[...types].join('+')}; alarms ${alarms.join(', ')}; ` +
      r.intervals.map((i) => `${i.period.start.slice(11, 16)}:${i.energyWh}:${i.quality}:[${i.flags.join(',')}]`).join(' '));
    assert.ok(types.has('interval') && types.has('alarm'), `the dropped records were only of types ${[...types].join(', ')}: the scenario must drop both`);
    for (const a of ['backlog-limit:raised', 'meter-comms-failure:raised', 'meter-comms-failure:cleared']) assert.ok(alarms.includes(a), `no ${a}: ${alarms.join(', ')}`);
    // The period in which the meter's comms alarm was up carries alarm-active (issue 9).
    const during = r.intervals.find((i) => Date.parse(i.period.start) <= failedAt && failedAt < Date.parse(i.period.end))!;
    assert.ok(during.flags.includes('alarm-active'), `period ${during.period.start} had the comms alarm up: ${JSON.stringify(during.flags)}`);
  } finally {
    await s.close();
    await link.down();
  }
});

test.run();
