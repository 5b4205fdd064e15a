// The installer console in a real headless Chromium: log in, watch live readings change, look at every page,
// run a commissioning to the end and download its signed record. Screenshots go to .screenshots/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { verifyCompact } from '../../device/signing/jws.js';
import { loadOrCreateDeviceKey } from '../../device/signing/device-key.js';
import { openBrowser, type Browser } from '../helpers/browser.js';
import { PASSWORD, startRig, until, type ConsoleRig } from './console-rig.js';

let rig: ConsoleRig;
let b: Browser;

test.before(async () => {
  rig = await startRig();
  b = await openBrowser({ width: 420, height: 900 });
});

test.after(async () => {
  await b?.close();
  await rig?.close();
});

test('log in, then live readings change on the page without a reload', async () => {
  const { page } = b;
  await page.goto(`${rig.console.url}/`);
  assert.match(page.url(), /\/login$/);
  await b.shot('installer-login');
  await page.getByLabel('Console password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${rig.console.url}/`);
  const at = page.locator('table[data-meter="charger"] [data-field="at"]');
  await until(async () => /\d{4}-/.test(await at.textContent() ?? ''), 'a first reading on the page');
  const first = await at.textContent();
  // Pushed by SSE: the cell changes while the page stays loaded.
  await until(async () => Number((await page.locator('body').getAttribute('data-readings')) ?? 0) >= 3, 'three pushed readings');
  const later = await at.textContent();
  assert.ok(first !== later, `read-at stayed ${first}`);
  assert.is(await page.locator('table[data-meter="charger"] [data-field="powerW"]').textContent(), '7000');
  assert.ok((await page.locator('#plot-charger canvas').count()) > 0, 'uPlot drew the power plot');
  await b.shot('installer-live');
});

test('status, intervals (with a signed-records download) and identity pages', async () => {
  const { page } = b;
  await page.goto(`${rig.console.url}/status`);
  await page.getByRole('heading', { name: 'Status' }).waitFor();
  assert.match(await page.locator('.card').first().innerText(), /connected/);
  await b.shot('installer-status');
  await until(() => rig.gateway.store.countIntervals() > 0, 'the first interval to close', 20_000);
  await page.goto(`${rig.console.url}/intervals`);
  assert.match(await page.locator('tbody tr').first().innerText(), /charger \/ import/);
  await b.shot('installer-intervals');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download the signed records/ }).click()]);
  const lines = readFileSync((await dl.path())!, 'utf8').trim().split('\n');
  const key = loadOrCreateDeviceKey(rig.cfg.keys.dir);
  assert.ok(lines.length >= 1);
  for (const l of lines) verifyCompact(l, key.publicKey);
  await page.goto(`${rig.console.url}/identity`);
  assert.ok((await page.locator('.qr svg').count()) === 1, 'QR code drawn');
  assert.match(await page.locator('main').innerText(), new RegExp(key.kid));
  await b.shot('installer-identity');
});

test('a commissioning run from the console ends in a signed record to download', async () => {
  const { page } = b;
  await page.goto(`${rig.console.url}/commission`);
  await page.getByLabel(/Measure each direction/).fill('30');
  await b.shot('installer-commission-start');
  await page.getByRole('button', { name: 'Start commissioning' }).click();
  let shotQuestion = false;
  for (let i = 0; i < 40; i++) {
    await page.waitForSelector('form[action="/commission/answer"], a[href="/commission/record.json"], .error');
    if ((await page.locator('a[href="/commission/record.json"]').count()) > 0) break;
    assert.is(await page.locator('.error').count(), 0, await page.locator('main').innerText());
    if (!shotQuestion) {
      await b.shot('installer-commission-question');
      shotQuestion = true;
    }
    const text = page.locator('form[action="/commission/answer"] input[type=text]');
    if ((await text.count()) > 0) await text.fill('A. Installer, Example Ltd');
    else await page.getByLabel('Yes').check();
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  assert.match(await page.locator('[role=status]').innerText(), /PASSED/);
  await b.shot('installer-commission-result');
  const download = async (name: RegExp): Promise<string> => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
    assert.is(await dl.failure(), null, `download ${name}`);
    return readFileSync((await dl.path())!, 'utf8');
  };
  const record = JSON.parse(await download(/JSON/));
  assert.is(record.result, 'pass');
  assert.is(record.deviceId, 'gw-console-1');
  assert.is(record.installer, 'A. Installer, Example Ltd');
  // Identity read from the live meter on the gateway's connection (an SDM630 reports make and model, no serial;
  // live-identity.test.ts has a meter that reports one).
  assert.is(record.meters[0].makeModel, 'Eastron SDM630');
  assert.is(record.checks.find((c: { id: string }) => c.id === 'identity:charger').status, 'not-applicable');
  const jws = (await download(/JWS/)).trim();
  assert.equal(verifyCompact(jws, loadOrCreateDeviceKey(rig.cfg.keys.dir).publicKey).payload, record);
  assert.match(await download(/HTML page/), /Commissioning PASSED|PASS: commissioned/);
});

test.run();
