// The fleet console in a real headless Chromium: log in with the token, see the overview with its counts, open a
// device and see its chart, watch a forged message appear in the rejections list, download an export.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { openBrowser, type Browser } from '../helpers/browser.js';
import { until } from './console-rig.js';
import { forged, startFleetRig, T0, TOKEN, type FleetRig } from './fleet-rig.js';

let rig: FleetRig;
let b: Browser;

test.before(async () => {
  rig = await startFleetRig();
  b = await openBrowser({ width: 1100, height: 800 });
});
test.after(async () => {
  await b?.close();
  await rig?.close();
});

test('log in with the token; the overview counts devices, online/offline and gaps, and sorts', async () => {
  const { page } = b;
  await page.goto(`${rig.console.url}/`);
  assert.match(page.url(), /\/login$/);
  await page.getByLabel('Access token').fill(TOKEN);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${rig.console.url}/`);
  // Retained status arrives through the broker: wait for it rather than sleep.
  await until(async () => {
    await page.reload();
    return /Online\s*1/.test(await page.locator('.cards').innerText());
  }, 'gw-a online from its retained status');
  const cards = await page.locator('.cards').innerText();
  assert.match(cards, /Devices\s*3/);
  assert.match(cards, /Offline\s*1/);
  assert.match(cards, /With gaps\s*3/);
  assert.match(cards, /With active alarms\s*2/);
  const rowA = await page.locator('tr', { has: page.getByRole('link', { name: 'gw-a', exact: true }) }).innerText();
  assert.match(rowA, /online/);
  assert.match(rowA, /\t2\t1\ngateway: meter-comms-failure \(charger\)\t0\t/, "two missing half-hours; one active alarm, the gateway's own");
  const rowC = await page.locator('tr', { has: page.getByRole('link', { name: 'gw-c', exact: true }) }).innerText();
  assert.match(rowC, /unknown\t-\t-\t1\t1\ncollector: records-missing\t0\t1/, "gw-c: one seq gap, one active alarm (the collector's), no rejections, one key");
  await b.shot('fleet-overview');
  await page.getByLabel('Show').selectOption('alarms');
  await page.getByRole('button', { name: 'Apply' }).click();
  assert.equal(await page.locator('tbody tr td:first-child a').allInnerTexts(), ['gw-a', 'gw-c'], 'filtered to devices with active alarms, gateway or collector');
  await page.getByLabel('Show').selectOption('all');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('link', { name: /Open gaps/ }).click();
  await page.getByRole('link', { name: /Open gaps ▲/ }).click();
  assert.is(await page.locator('tbody tr td a').first().innerText(), 'gw-a', 'sorted by gaps, descending');
});

test('a device page shows its half-hourly chart (estimated visible), gaps and key history', async () => {
  const { page } = b;
  await page.goto(`${rig.console.url}/?q=gw-a`);
  await page.getByRole('link', { name: 'gw-a', exact: true }).click();
  await page.getByRole('heading', { name: 'Device gw-a' }).waitFor();
  const chart = page.locator('svg.chart');
  assert.is(await chart.locator('rect.import').count(), 22);
  assert.is(await chart.locator('rect.estimated').count(), 1);
  const gaps = await page.locator('h2:has-text("Gaps") + div table').innerText();
  assert.match(gaps, new RegExp(`${new Date(T0 + 10 * 1_800_000).toISOString().slice(0, 16)}.*\\t2\\t`));
  assert.match(await page.locator('h2:has-text("Key history") + div table').innerText(), /registered/);
  // The gateway's own alarm records: the active one first, then the history newest first.
  const gwAlarms = (await page.locator('h2:has-text("Gateway alarms") + div table tbody tr').allInnerTexts()).map((r) => r.split('\t').slice(0, 5).join(' | '));
  assert.equal(gwAlarms, [
    'active | meter-comms-failure | charger | raised 2026-06-01T09:00:00.000Z | 27',
    'cleared | clock-unsynchronised | device-wide | cleared 2026-06-01T06:00:00.000Z | 26',
    'raised | clock-unsynchronised | device-wide | raised 2026-06-01T05:00:00.000Z | 25',
    'cleared | meter-comms-failure | charger | cleared 2026-06-01T04:30:00.000Z | 24',
    'raised | meter-comms-failure | charger | raised 2026-06-01T04:00:00.000Z | 23',
  ]);
  await b.shot('fleet-device');
  await page.goto(`${rig.console.url}/devices/gw-b`);
  assert.ok((await page.locator('svg.chart rect.export').count()) > 0, 'export bars drawn');
  assert.match(await page.locator('h2:has-text("Gaps") + div table').innerText(), /seq 49.*requesting \(0 requests\).*not asked yet/s);
  await b.shot('fleet-device-battery');
  await page.goto(`${rig.console.url}/devices/gw-c`);
  const gapC = await page.locator('h2:has-text("Gaps") + div table').innerText();
  assert.match(gapC, /record chain \(before-first\)\tseq 1\tseq 5\t5 records\talarm \(5 requests\) since 2026-06-01T11:00:00.000Z/);
  assert.match(gapC, /asked 5 times, last at 2026-06-01T11:00:00.000Z, next at 2026-06-01T12:30:00.000Z/);
  const alarmsC = await page.locator('h2:has-text("Collector alarms") + div table').innerText();
  assert.match(alarmsC, /records-missing\t1\.\.5\tactive/);
  await b.shot('fleet-device-alarm');
});

test('a forged message appears in the rejections list with its reason', async () => {
  const { page } = b;
  await page.goto(`${rig.console.url}/rejections`);
  assert.match(await page.locator('main').innerText(), /No rejected messages/);
  const r = await rig.deliver([forged(rig.devices['gw-a']!, T0 + 30 * 1_800_000)]);
  assert.is(r.rejections.length, 1);
  await page.reload();
  const row = await page.locator('tbody tr').first().innerText();
  assert.match(row, /gw-a/);
  assert.match(row, /bad-signature/);
  await b.shot('fleet-rejections');
});

test('an export of a device set and date range downloads as CSV', async () => {
  const { page } = b;
  await page.goto(`${rig.console.url}/exports`);
  await page.getByLabel(/Devices/).fill('gw-a,gw-b');
  await page.getByLabel(/^From/).fill('2026-06-01');
  await page.getByLabel(/^To/).fill('2026-06-02');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  const lines = readFileSync((await dl.path())!, 'utf8').trim().split('\n');
  assert.is(lines.length, 1 + 22 + 48);
  assert.match(lines[0]!, /^device,meter,amsid,channel/);
});

test('market files download from the exports page: Axle, Elering, Volue, and an Elexon DTC refusal with its reason', async () => {
  const { page } = b;
  await page.goto(`${rig.console.url}/exports`);
  await page.getByLabel(/Devices/).fill('gw-a,gw-b');
  await page.getByLabel(/^From/).fill('2026-06-01');
  await page.getByLabel(/^To/).fill('2026-06-02');
  await page.getByLabel(/Send estimated periods/).check();
  await page.getByLabel('Elering resolution').selectOption('PT1H');
  await page.getByLabel(/Volue event id/).fill('ev-7');
  await page.getByLabel(/DTC file id/).fill('7');
  await b.shot('fleet-exports');
  const download = async (button: string): Promise<{ name: string; text: string }> => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
    return { name: dl.suggestedFilename(), text: readFileSync((await dl.path())!, 'utf8') };
  };
  const axle = await download('Axle readings');
  assert.is(axle.name, 'axle-2026-06-01-2026-06-02.json');
  const readings = JSON.parse(axle.text).readings as { asset_id: string }[];
  assert.is(readings.filter((r) => r.asset_id === '6f1c1a52-8d2e-4c1b-9a57-0b7d6a1e2f30').length, 22, "gw-a's 22 half-hours");
  const elering = await download('Elering metering data');
  assert.equal(JSON.parse(elering.text).map((m: { meteringPoint: string }) => m.meteringPoint), ['38ZEE-00000001-A', '38ZEE-00000002-B']);
  const volue = JSON.parse((await download('Volue EnergyUsage')).text);
  assert.is(volue.eventId, 'ev-7');
  // DTC needs complete settlement days: the browser shows the refusal (422 JSON) instead of a file.
  await page.getByRole('button', { name: 'Elexon DTC file' }).click();
  assert.match(await page.locator('body').innerText(), /dtc: .*a settlement day must be complete/);
  // A complete settlement day (gw-c, 2026-06-02: 48 half-hours from 23:00Z on the 1st, BST) downloads.
  const c = rig.devices['gw-c']!;
  const day0 = Date.parse('2026-06-01T23:00:00Z');
  await rig.deliver(Array.from({ length: 48 }, (_, k) => ({ topic: 'amsgate/v1/gw-c/interval', compact: c.interval({ start: day0 + k * 1_800_000, energyWh: 500 + k, meter: 'grid' }).compact })));
  await page.goto(`${rig.console.url}/exports`);
  await page.getByLabel(/Devices/).fill('gw-c');
  await page.getByLabel(/^From/).fill('2026-06-02');
  await page.getByLabel(/^To/).fill('2026-06-03');
  await page.getByLabel(/DTC file id/).fill('7');
  const dtc = await download('Elexon DTC file');
  assert.is(dtc.name, 'dtc-2026-06-02-2026-06-03.txt');
  const lines = dtc.text.trim().split('\n');
  assert.match(lines[0]!, /^ZHV\|7\|/);
  assert.equal(lines.filter((l) => l.startsWith('A03|')).map((l) => l.split('|')[3]), Array.from({ length: 48 }, (_, k) => `0.${500 + k}`), 'one period line per settlement period, kWh');
});

test.run();
