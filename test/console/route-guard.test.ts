// Both consoles, every route each registers (read from the app, so a route added later is covered too): without a
// session (or with a forged cookie, or a wrong bearer token) nothing answers but the login form and the style sheet.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Hono } from 'hono';
import { consoleApp } from '../../device/console/console-app.js';
import { readPasswordHash } from '../../device/console/password.js';
import { loadOrCreateDeviceKey } from '../../device/signing/device-key.js';
import { fleetApp } from '../../host-cli/fleet-console/fleet-app.js';
import { StatusWatch } from '../../host-cli/fleet-console/status-watch.js';
import { startRig, type ConsoleRig } from './console-rig.js';
import { startFleetRig, T0, TOKEN, type FleetRig } from './fleet-rig.js';

let gw: ConsoleRig;
let fleet: FleetRig;
test.before(async () => {
  [gw, fleet] = await Promise.all([startRig(), startFleetRig()]);
});
test.after(async () => {
  await gw?.close();
  await fleet?.close();
});

/** The routes of an app (middleware excluded), with sample values for their parameters. */
function routesOf(app: Hono<never>): { method: string; url: string; pattern: string }[] {
  const seen = new Set<string>();
  const out: { method: string; url: string; pattern: string }[] = [];
  for (const r of app.routes) {
    if (r.method === 'ALL' || seen.has(`${r.method} ${r.path}`)) continue;
    seen.add(`${r.method} ${r.path}`);
    // A parameter with alternatives takes its first one (record.json, axle); a free one takes a plausible value.
    const url = r.path.replace(/:(\w+)(?:\{([^}]*)\})?/g, (_, name: string, re?: string) => {
      if (re) return re.split('|')[0]!.replace(/\\\\?\.\(\?:/, '.').replace(/\\\./g, '.').replace(/[()?:]/g, '');
      return name === 'name' ? 'uPlot.iife.min.js' : name === 'device' ? 'gw-a' : 'x';
    });
    out.push({ method: r.method, url, pattern: r.path });
  }
  return out;
}

/** What a request without a valid session gets; the public routes are listed and checked apart. */
async function refusesWithout(base: string, routes: { method: string; url: string; pattern: string }[], extra: Record<string, string>, publicRoutes: string[]): Promise<number> {
  let checked = 0;
  for (const r of routes) {
    const key = `${r.method} ${r.url}`;
    if (publicRoutes.includes(key)) continue;
    for (const accept of ['text/html', 'application/json']) {
      const res = await fetch(`${base}${r.url}`, { method: r.method, redirect: 'manual', headers: { accept, origin: base, 'content-type': 'application/x-www-form-urlencoded', ...extra }, body: r.method === 'POST' ? '' : undefined });
      await res.body?.cancel();
      // A browser asking for a page is sent to the login form; everything else is 401. Never 200.
      const page = r.method === 'GET' && accept === 'text/html' && !r.url.startsWith('/api/') && r.url !== '/events';
      assert.is(res.status, page ? 303 : 401, `${key} (${accept}) ${JSON.stringify(extra)}`);
      if (page) assert.is(res.headers.get('location'), '/login', key);
    }
    checked++;
  }
  return checked;
}

test('installer console: every registered route but login and the style sheet needs a session', async () => {
  const app = consoleApp({ cfg: gw.cfg, gateway: gw.gateway, clock: gw.clock, feed: gw.console.feed, brokerUrl: null, key: loadOrCreateDeviceKey(gw.cfg.keys.dir), password: readPasswordHash(gw.cfg.storePath) });
  const routes = routesOf(app as never);
  const open = ['GET /login', 'POST /login'];
  assert.equal(routes.filter((r) => open.includes(`${r.method} ${r.url}`)).length, 2);
  const n = await refusesWithout(gw.console.url, routes, {}, open);
  assert.is(n, routes.length - 2);
  assert.ok(n >= 13, `${n} guarded routes`);
  await refusesWithout(gw.console.url, routes, { cookie: 'amsgate_console=forged-session-id' }, open);
  // The style sheet is public (the login page needs it); the other assets are not.
  assert.is((await fetch(`${gw.console.url}/assets/console.css`)).status, 200);
  // The login form itself only takes a POST with its CSRF token.
  assert.is((await fetch(`${gw.console.url}/login`, { method: 'POST', headers: { origin: gw.console.url, 'content-type': 'application/x-www-form-urlencoded' }, body: 'password=x' })).status, 403);
});

test('fleet console: every registered route but login and the style sheet needs a session or the bearer token', async () => {
  const watch = await StatusWatch.start(null);
  const routes = routesOf(fleetApp({ store: fleet.store, watch, now: () => T0, exportSettings: {} }, TOKEN) as never);
  const open = ['GET /login', 'POST /login'];
  const n = await refusesWithout(fleet.console.url, routes, {}, open);
  assert.is(n, routes.length - 2);
  await refusesWithout(fleet.console.url, routes, { cookie: 'amsgate_fleet=forged-session-id' }, open);
  // A wrong bearer token is 401 even for a page.
  for (const r of routes.filter((x) => !open.includes(`${x.method} ${x.url}`))) {
    const res = await fetch(`${fleet.console.url}${r.url}`, { method: r.method, redirect: 'manual', headers: { authorization: 'Bearer not-the-token-at-all', origin: fleet.console.url } });
    await res.body?.cancel();
    assert.is(res.status, 401, `${r.method} ${r.url} with a wrong token`);
  }
  assert.is((await fetch(`${fleet.console.url}/assets/console.css`)).status, 200);
});

test('fleet console: wrong tokens at the login form are rate-limited (5, then even the right one waits)', async () => {
  const base = fleet.console.url;
  const attempt = async (token: string): Promise<Response> => {
    const g = await fetch(`${base}/login`);
    const cookie = g.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await g.text())![1]!;
    return fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: base, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, token }) });
  };
  for (let i = 0; i < 5; i++) assert.is((await attempt(`wrong-token-number-${i}-xxxxxxxx`)).status, 401, `attempt ${i + 1}`);
  const blocked = await attempt(TOKEN);
  assert.is(blocked.status, 429);
  assert.is(blocked.headers.get('retry-after'), String(15 * 60));
  assert.match(await blocked.text(), /Too many wrong tokens/);
});

test.run();
