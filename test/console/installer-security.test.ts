// Security of the installer console over plain HTTP: nothing answers without a session, wrong passwords are
// rate-limited, cross-site and token-less POSTs are refused, cookies are HttpOnly + SameSite=Strict, and a
// non-loopback address without a password is refused before anything listens.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../drivers/errors.js';
import { consoleHook } from '../../device/console/console-hook.js';
import { checkListen } from '../../device/console/listen-policy.js';
import { PASSWORD_FILE } from '../../device/console/password.js';
import { register as registerRun } from '../../host-cli/commands/run.js';
import { runInProcess } from '../helpers/in-process-cli.js';
import { PASSWORD, startRig, type ConsoleRig } from './console-rig.js';

let rig: ConsoleRig;
let nowMs = 1_000_000;

test.before(async () => {
  rig = await startRig({ realNow: () => nowMs });
});
test.after(async () => {
  await rig?.close();
});

const url = (p: string): string => `${rig.console.url}${p}`;
const cookiesOf = (r: Response): string[] => r.headers.getSetCookie();
const jar = (r: Response): string => cookiesOf(r).map((c) => c.split(';')[0]).join('; ');
const tokenIn = (page: string): string => /name="_csrf" value="([^"]+)"/.exec(page)![1]!;

async function login(password: string, from?: { cookie: string; token: string }): Promise<Response> {
  let f = from;
  if (!f) {
    const g = await fetch(url('/login'));
    f = { cookie: jar(g), token: tokenIn(await g.text()) };
  }
  return fetch(url('/login'), {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: f.cookie, 'content-type': 'application/x-www-form-urlencoded', origin: rig.console.url },
    body: new URLSearchParams({ _csrf: f.token, password }),
  });
}

test('no page, API, stream or download answers without a session', async () => {
  for (const p of ['/', '/status', '/intervals', '/identity', '/commission', '/api/live', '/events', '/intervals/records.jws?days=1', '/commission/record.json']) {
    const page = await fetch(url(p), { redirect: 'manual', headers: { accept: 'text/html' } });
    const api = await fetch(url(p), { redirect: 'manual' });
    assert.is(page.status, p.startsWith('/api/') || p === '/events' ? 401 : 303, `${p} as a page`);
    if (page.status === 303) assert.is(page.headers.get('location'), '/login');
    assert.is(api.status, 401, `${p} as an API call`);
    await page.body?.cancel();
    await api.body?.cancel();
  }
  const forged = await fetch(url('/'), { redirect: 'manual', headers: { cookie: 'amsgate_console=forged-session-id', accept: 'text/html' } });
  assert.is(forged.status, 303);
});

test('a right password gives an HttpOnly, SameSite=Strict session cookie that opens the pages', async () => {
  const r = await login(PASSWORD);
  assert.is(r.status, 303);
  const set = cookiesOf(r).find((c) => c.startsWith('amsgate_console='))!;
  assert.match(set, /HttpOnly/);
  assert.match(set, /SameSite=Strict/);
  const page = await fetch(url('/status'), { headers: { cookie: set.split(';')[0]! } });
  assert.is(page.status, 200);
  assert.match(await page.text(), /Outbox backlog/);
});

test('wrong passwords are rate-limited: after 5 the right one is refused too, until the window has passed', async () => {
  for (let i = 0; i < 5; i++) assert.is((await login('wrong password number ' + i)).status, 401, `attempt ${i + 1}`);
  const blocked = await login(PASSWORD);
  assert.is(blocked.status, 429);
  assert.is(blocked.headers.get('retry-after'), String(15 * 60));
  nowMs += 15 * 60_000;
  assert.is((await login(PASSWORD)).status, 303);
});

test('a cross-site POST and a POST without the CSRF token are refused', async () => {
  const r = await login(PASSWORD);
  const cookie = jar(r).split('; ').find((c) => c.startsWith('amsgate_console='))!;
  const token = tokenIn(await (await fetch(url('/commission'), { headers: { cookie } })).text());
  const post = (origin: string, body: Record<string, string>) =>
    fetch(url('/commission/start'), { method: 'POST', redirect: 'manual', headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });
  assert.is((await post('http://evil.example', { _csrf: token, integrateS: '60' })).status, 403, 'foreign Origin');
  assert.is((await post(rig.console.url, { integrateS: '60' })).status, 403, 'no token');
  assert.is((await post(rig.console.url, { _csrf: 'x'.repeat(43), integrateS: '60' })).status, 403, 'wrong token');
  const loginFromElsewhere = await fetch(url('/login'), { method: 'POST', redirect: 'manual', headers: { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: 'password=x' });
  assert.is(loginFromElsewhere.status, 403);
  // The same form with its token from the console's own origin is accepted (the run itself is not awaited).
  assert.is((await post(rig.console.url, { _csrf: token, integrateS: 'not a number' })).status, 400);
});

test('a non-loopback address without a password is refused (exit 2) before anything listens; with one it is allowed', async () => {
  assert.throws(() => checkListen({ listen: '0.0.0.0', port: 8080 }, false), (e: unknown) => e instanceof ConfigError && /no console password is set/.test((e as Error).message));
  assert.throws(() => checkListen({ listen: '192.168.1.5', port: 8080 }, false), (e: unknown) => e instanceof ConfigError);
  checkListen({ listen: '127.0.0.1', port: 8080 }, false);
  checkListen({ listen: '::1', port: 8080 }, false);
  checkListen({ listen: '0.0.0.0', port: 8080 }, true);
  const dir = join(rig.dir, 'lan');
  const cfg = { ...rig.cfg, storePath: dir, console: { listen: '0.0.0.0', port: 0 } };
  await consoleHook(cfg).then(
    () => assert.unreachable('a LAN console without a password started'),
    (e: Error) => assert.ok(e instanceof ConfigError, e.message),
  );
  const file = join(rig.dir, 'lan.json');
  const raw = JSON.parse(JSON.stringify({ deviceId: 'gw-lan', meters: [{ id: 'm', model: 'sdm630', connection: { tcp: '127.0.0.1:1' }, serial: 's1', amsid: { import: '2000000000015' }, role: 'charger', phases: 3, ratedVoltageV: 230, ratedCurrentA: 5, maxCurrentA: 100 }], storePath: dir, console: { listen: '0.0.0.0', port: 0 } }));
  writeFileSync(file, JSON.stringify(raw));
  const run = await runInProcess(registerRun, ['run', '--config', file]);
  assert.is(run.code, 2, run.err);
  assert.match(run.err, /console\.listen is 0\.0\.0\.0.*amsgate console passwd/);
});

test('the stored hash does not contain the password', () => {
  const text = readFileSync(join(rig.cfg.storePath, PASSWORD_FILE), 'utf8');
  assert.not.match(text, PASSWORD);
  assert.match(text, /"alg":"scrypt"/);
});

test.run();
