// The fleet console's API: nothing answers without the token, the bearer token and a session both work, a
// cross-site POST is refused, and the same answers come from a SQLite and a PostgreSQL store.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PgStore } from '../../host-cli/collector/pg-store.js';
import { readToken } from '../../host-cli/commands/fleet-console.js';
import { startFleetRig, TOKEN, type FleetRig } from './fleet-rig.js';

let rig: FleetRig;
test.before(async () => {
  rig = await startFleetRig();
});
test.after(async () => {
  await rig?.close();
});

const get = (r: FleetRig, p: string, headers: Record<string, string> = {}) => fetch(`${r.console.url}${p}`, { redirect: 'manual', headers });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (r: Response | Promise<Response>): Promise<any> => (await r).json();
const bearer = { authorization: `Bearer ${TOKEN}` };

test('no page or API answers without the token; a wrong token is refused', async () => {
  for (const p of ['/', '/rejections', '/exports', '/devices/gw-a', '/api/v1/fleet', '/api/v1/devices/gw-a', '/api/v1/rejections', '/api/v1/exports/intervals.csv?devices=gw-a']) {
    const page = await get(rig, p, { accept: 'text/html' });
    assert.is(page.status, p.startsWith('/api/') ? 401 : 303, p);
    assert.is((await get(rig, p, { authorization: 'Bearer not-the-token-at-all' })).status, 401, `${p} wrong token`);
  }
});

test('with the bearer token the API answers JSON the overview and device pages are built from', async () => {
  const fleet = await json(get(rig, '/api/v1/fleet', bearer));
  assert.equal(fleet.counts, { devices: 3, online: 1, offline: 1, unknown: 1, withGaps: 3, withAlarms: 2, withRejections: 0 });
  assert.equal(fleet.devices.map((d: { device: string; openGaps: number; activeAlarms: number }) => [d.device, d.openGaps, d.activeAlarms]), [['gw-a', 2, 1], ['gw-b', 1, 0], ['gw-c', 1, 1]]);
  // Whose alarm it is: gw-a's own (its charger meter stopped answering), gw-c's from the collector.
  assert.equal(fleet.devices.map((d: { activeAlarmLabels: string[] }) => d.activeAlarmLabels), [['gateway: meter-comms-failure (charger)'], [], ['collector: records-missing']]);
  const a = fleet.devices.find((d: { device: string }) => d.device === 'gw-a');
  assert.is(a.openGaps, 2);
  assert.is(a.latestInterval.start, '2026-06-01T11:30:00.000Z');
  const dev = await json(get(rig, '/api/v1/devices/gw-a', bearer));
  assert.is(dev.halfHours.length, 22);
  assert.equal(dev.gaps.map((g: { from: string; missing: number }) => [g.from, g.missing]), [['2026-06-01T05:00:00.000Z', 2]]);
  assert.is(dev.keys[0].event, 'registered');
  // gw-a's chain is complete: the two missing half-hours were never sealed; its old alarm has recovered.
  assert.is(dev.gaps[0].resend.state, 'not-sealed');
  assert.equal(dev.alarms.map((x: { kind: string; active: boolean }) => [x.kind, x.active]), [['recovered', false], ['records-missing', false]]);
  // gw-a's signed alarm records (seq 23..27): the re-raised meter alarm is active, the rest is history, newest first.
  assert.equal(dev.gatewayAlarms.map((x: { seq: number; alarm: string; meter: string | null; state: string; at: string; active: boolean }) => [x.seq, x.alarm, x.meter, x.state, x.at, x.active]), [
    [27, 'meter-comms-failure', 'charger', 'raised', '2026-06-01T09:00:00.000Z', true],
    [26, 'clock-unsynchronised', null, 'cleared', '2026-06-01T06:00:00.000Z', false],
    [25, 'clock-unsynchronised', null, 'raised', '2026-06-01T05:00:00.000Z', false],
    [24, 'meter-comms-failure', 'charger', 'cleared', '2026-06-01T04:30:00.000Z', false],
    [23, 'meter-comms-failure', 'charger', 'raised', '2026-06-01T04:00:00.000Z', false],
  ]);
  assert.is(dev.gatewayAlarms[0].detail, 'no Modbus answer from the meter for 60 s');
  assert.equal(dev.seqGaps, [], "gw-a's alarm records continue its chain");
  const b = await json(get(rig, '/api/v1/devices/gw-b', bearer));
  assert.equal(b.gatewayAlarms, []);
  assert.equal(b.tail, { seq: 49, seenAt: '2026-06-01T12:00:00.000Z' });
  assert.equal(b.seqGaps.map((g: { from: number; to: number; where: string; resend: { state: string } }) => [g.from, g.to, g.where, g.resend.state]), [[49, 49, 'after-last', 'requesting']]);
  const c = await json(get(rig, '/api/v1/devices/gw-c', bearer));
  assert.equal(c.seqGaps.map((g: { from: number; to: number; resend: { state: string; since: string } }) => [g.from, g.to, g.resend.state, g.resend.since]), [[1, 5, 'alarm', '2026-06-01T11:00:00.000Z']]);
  assert.equal(c.alarms.map((x: { kind: string; active: boolean }) => [x.kind, x.active]), [['records-missing', true]]);
  // How often the collector asked, when last and when next (the store's resend_requests, written by recovery).
  const r = c.seqGaps[0].resend;
  assert.equal([r.requests, r.lastAsked, r.nextDue], [5, '2026-06-01T11:00:00.000Z', '2026-06-01T12:30:00.000Z']);
  assert.match(r.detail, /asked 5 times, last at 2026-06-01T11:00:00\.000Z, next at 2026-06-01T12:30:00\.000Z/);
  // gw-b's tail gap is inside the grace: not asked yet.
  assert.equal([b.seqGaps[0].resend.requests, b.seqGaps[0].resend.lastAsked], [0, null]);
  assert.is((await get(rig, '/api/v1/devices/nobody', bearer)).status, 404);
  assert.is((await get(rig, '/api/v1/fleet?from=2026-06-02&to=2026-06-01', bearer)).status, 400);
});

test('a cross-site POST is refused', async () => {
  const r = await fetch(`${rig.console.url}/login`, { method: 'POST', redirect: 'manual', headers: { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${TOKEN}` });
  assert.is(r.status, 403);
});

test('the token must exist and be long enough', () => {
  assert.throws(() => readToken(undefined, undefined), /no access token/);
  assert.throws(() => readToken(undefined, 'short'), /at least 16/);
  assert.is(readToken(undefined, ` ${TOKEN}\n`), TOKEN);
});

test('the same answers from a PostgreSQL store', async () => {
  const schema = `fleet_console_${process.pid}_${Date.now()}`;
  const pg = await startFleetRig(`postgres://postgres@127.0.0.1:5432/test?schema=${schema}`);
  try {
    const a = await json(get(rig, '/api/v1/devices/gw-b', bearer));
    const b = await json(get(pg, '/api/v1/devices/gw-b', bearer));
    assert.is(b.halfHours.length, 48);
    // Keys differ (fresh identities); the energy series must not.
    assert.equal(b.halfHours.map((h: { start: string; channel: string; energyWh: number }) => [h.start, h.channel, h.energyWh]), a.halfHours.map((h: { start: string; channel: string; energyWh: number }) => [h.start, h.channel, h.energyWh]));
    // Alarms, tails and resend states read the same from both backends (the status watch may differ in timing).
    const counts = async (r: FleetRig) => {
      const { online: _o, offline: _f, unknown: _u, ...rest } = (await json(get(r, '/api/v1/fleet', bearer))).counts;
      return rest;
    };
    assert.equal(await counts(pg), await counts(rig));
    const labels = async (r: FleetRig) => (await json(get(r, '/api/v1/fleet', bearer))).devices.map((d: { device: string; activeAlarms: number; activeAlarmLabels: string[] }) => [d.device, d.activeAlarms, d.activeAlarmLabels]);
    assert.equal(await labels(pg), await labels(rig));
    // The store method itself, on PostgreSQL: decoded from the stored signed strings, newest first, at most `limit`.
    assert.equal((await pg.store.gatewayAlarms(10, 'gw-a')).map((x) => [x.seq, x.alarm, x.meter, x.state]), [[27, 'meter-comms-failure', 'charger', 'raised'], [26, 'clock-unsynchronised', null, 'cleared'], [25, 'clock-unsynchronised', null, 'raised'], [24, 'meter-comms-failure', 'charger', 'cleared'], [23, 'meter-comms-failure', 'charger', 'raised']]);
    assert.equal((await pg.store.gatewayAlarms(2, 'gw-a')).map((x) => x.seq), [27, 26]);
    assert.equal((await rig.store.gatewayAlarms(2, 'gw-a')).map((x) => x.seq), [27, 26]);
    assert.equal(await pg.store.gatewayAlarms(100), await rig.store.gatewayAlarms(100));
    assert.equal(await pg.store.listResendRequests(), await rig.store.listResendRequests());
    for (const d of ['gw-a', 'gw-b', 'gw-c']) {
      const pick = async (r: FleetRig) => {
        const x = await json(get(r, `/api/v1/devices/${d}`, bearer));
        return { gaps: x.gaps, seqGaps: x.seqGaps, tail: x.tail, alarms: x.alarms, gatewayAlarms: x.gatewayAlarms };
      };
      assert.equal(await pick(pg), await pick(rig), d);
    }
  } finally {
    await (pg.store as PgStore).dropSchema().catch(() => {});
    await pg.close();
  }
});

test.run();
