// The fleet console's market downloads are the exporters of `amsgate export`: the same store, maps and range give
// the same bytes from the console as from the command; refusals come back as 422 with the exporter's reason.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register as registerExport } from '../../host-cli/commands/export.js';
import { readExportSettings } from '../../host-cli/fleet-console/fleet-exports.js';
import { runInProcess } from '../helpers/in-process-cli.js';
import { EXPORT_SETTINGS, startFleetRig, TOKEN, type FleetRig } from './fleet-rig.js';

let rig: FleetRig;
let dir: string;
test.before(async () => {
  rig = await startFleetRig();
  dir = mkdtempSync(join(tmpdir(), 'amsgate-fleet-exp-'));
});
test.after(async () => {
  await rig?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (p: string) => fetch(`${rig.console.url}${p}`, { headers: { authorization: `Bearer ${TOKEN}` } });
const range = 'devices=gw-a,gw-b&from=2026-06-01&to=2026-06-02';

test('axle: the console download equals `amsgate export axle` on the same store and asset map', async () => {
  const refused = await get(`/api/v1/exports/axle?${range}`);
  assert.is(refused.status, 422);
  assert.match(((await refused.json()) as { error: string }).error, /^axle: .*estimated/);
  const r = await get(`/api/v1/exports/axle?${range}&allowEstimated=1`);
  assert.is(r.status, 200);
  assert.match(r.headers.get('content-disposition')!, /attachment; filename="axle-2026-06-01-2026-06-02\.json"/);
  const map = join(dir, 'assets.json');
  writeFileSync(map, JSON.stringify(EXPORT_SETTINGS.axle!.assetMap));
  const cli = await runInProcess(registerExport, ['export', 'axle', '--db', rig.db, '--asset-map', map, '--from', '2026-06-01', '--to', '2026-06-02', '--allow-estimated']);
  assert.is(cli.code, 0, cli.err);
  assert.is(await r.text(), cli.out);
});

test('volue: one event over the hours of the range equals the command with that event file', async () => {
  const r = await get(`/api/v1/exports/volue?devices=gw-b&from=2026-06-01T00:00Z&to=2026-06-01T03:00Z&eventId=ev-1`);
  assert.is(r.status, 200);
  const ev = join(dir, 'event.json');
  writeFileSync(ev, JSON.stringify({ eventId: 'ev-1', hours: ['2026-06-01T00:00:00Z', '2026-06-01T01:00:00Z', '2026-06-01T02:00:00Z'] }));
  const res = join(dir, 'resources.json');
  writeFileSync(res, JSON.stringify(EXPORT_SETTINGS.volue!.resourceMap));
  const cli = await runInProcess(registerExport, ['export', 'volue', '--db', rig.db, '--device', 'gw-b', '--event', ev, '--resource-map', res]);
  assert.is(cli.code, 0, cli.err);
  assert.is(await r.text(), cli.out);
  assert.is((await get(`/api/v1/exports/volue?${range}`)).status, 400, 'no eventId');
});

test('elering: one message per metering point, estimated periods marked E', async () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const e = (await (await get(`/api/v1/exports/elering?${range}&resolution=PT1H`)).json()) as any[];
  assert.equal(e.map((m) => m.meteringPoint), ['38ZEE-00000001-A', '38ZEE-00000002-B']);
  // gw-a's 02:30 half-hour is estimated: the hour 02:00 carries rType E.
  const hour = e[0].body.periods[0].aI.find((i: { pS: string }) => i.pS === '2026-06-01T02:00:00.000Z');
  assert.is(hour.outQty.rType, 'E');
});

test('dtc: an incomplete settlement day is refused; a complete one equals `amsgate export dtc` but for the creation time', async () => {
  const partial = await get(`/api/v1/exports/dtc?${range}&fileId=42`);
  assert.is(partial.status, 422);
  assert.match(((await partial.json()) as { error: string }).error, /^dtc: .*a settlement day must be complete/);
  assert.is((await get('/api/v1/exports/dtc?devices=gw-a&from=2026-06-01T00:00Z&to=2026-06-02')).status, 400, 'dtc wants settlement dates');
  // gw-c reports settlement day 2026-06-02 complete: 48 half-hours from 23:00Z (BST) on the 1st.
  const c = rig.devices['gw-c']!;
  const day0 = Date.parse('2026-06-01T23:00:00Z');
  const msgs = [];
  for (let k = 0; k < 48; k++) msgs.push({ topic: `amsgate/v1/gw-c/interval`, compact: c.interval({ start: day0 + k * 1_800_000, energyWh: 500 + k, meter: 'grid' }).compact });
  assert.is((await rig.deliver(msgs)).accepted, 48);
  const d = await get('/api/v1/exports/dtc?devices=gw-c&from=2026-06-02&to=2026-06-03&fileId=42');
  assert.is(d.status, 200, await d.clone().text());
  assert.is(d.headers.get('content-type'), 'text/plain; charset=utf-8');
  const text = await d.text();
  const cli = await runInProcess(registerExport, ['export', 'dtc', '--db', rig.db, '--device', 'gw-c', '--from', '2026-06-02', '--to', '2026-06-03', '--from-mpid', 'AMSG', '--to-mpid', 'ELEX', '--file-id', '42']);
  assert.is(cli.code, 0, cli.err);
  // The header and trailer carry the creation time: the console's clock, the command's real time.
  const body = (t: string) => t.split('\n').map((l) => (/^Z(HV|PT)\|/.test(l) ? l.replace(/\|\d{14}\|/, '|<created>|') : l));
  assert.equal(body(text), body(cli.out));
  assert.match(text, /^ZHV\|42\|/);
});

test('bad requests name what was wrong', async () => {
  const unknown = await get('/api/v1/exports/axle?devices=gw-zz&from=2026-06-01&to=2026-06-02');
  assert.is(unknown.status, 400);
  assert.match(((await unknown.json()) as { error: string }).error, /gw-zz is not known to this store/);
  assert.is((await get('/api/v1/exports/axle?devices=&from=2026-06-01&to=2026-06-02')).status, 400);
  assert.throws(() => readExportSettings(join(dir, 'missing.json')), /--export-settings .*missing\.json/);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ elering: { meterMap: 'x' } }));
  assert.throws(() => readExportSettings(bad), /elering\.meterMap must be an object/);
});

test.run();
