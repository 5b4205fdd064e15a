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
  assert.equal(fleet.counts, { devices: 3, online: 1, offline: 1, unknown: 1, withGaps: 3, withAlarms: 1, withRejections: 0 });
  assert.equal(fleet.devices.map((d: { device: string; openGaps: number; activeAlarms: number }) => [d.device, d.openGaps, d.activeAlarms]), [['gw-a', 2, 0], ['gw-b', 1, 0], ['gw-c', 1, 1]]);
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
  const b = await json(get(rig, '/api/v1/devices/gw-b', bearer));
  assert.equal(b.tail, { seq: 49, seenAt: '2026-06-01T12:00:00.000Z' });
  assert.equal(b.seqGaps.map((g: { from: number; to: number; where: string; resend: { state: string } }) => [g.from, g.to, g.where, g.resend.state]), [[49, 49, 'after-last', 'requesting']]);
  const c = await json(get(rig, '/api/v1/devices/gw-c', bearer));
  assert.equal(c.seqGaps.map((g: { from: number; to: number; resend: { state: string; since: string } }) => [g.from, g.to, g.resend.state, g.resend.since]), [[1, 5, 'alarm', '2026-06-01T11:00:00.000Z']]);
  assert.equal(c.alarms.map((x: { kind: string; active: boolean }) => [x.kind, x.active]), [['records-missing', true]]);
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
    for (const d of ['gw-a', 'gw-b', 'gw-c']) {
      const pick = async (r: FleetRig) => {
        const x = await json(get(r, `/api/v1/devices/${d}`, bearer));
        return { gaps: x.gaps, seqGaps: x.seqGaps, tail: x.tail, alarms: x.alarms };
      };
      assert.equal(await pick(pg), await pick(rig), d);
    }
  } finally {
    await (pg.store as PgStore).dropSchema().catch(() => {});
    await pg.close();
  }
});

test.run();
