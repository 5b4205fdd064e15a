// docs/openapi-fleet.yaml against the server: every route the fleet console registers is described there and every
// described path is registered, with the same path parameters; real responses (success and error) validate
// against the schemas documented for their status and content type.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fleetApp } from '../../host-cli/fleet-console/fleet-app.js';
import { StatusWatch } from '../../host-cli/fleet-console/status-watch.js';
import { check, deref, loadSpec, type Spec } from './openapi-check.js';
import { forged, startFleetRig, T0, TOKEN, type FleetRig } from './fleet-rig.js';

let rig: FleetRig;
let spec: Spec;
test.before(async () => {
  rig = await startFleetRig();
  spec = loadSpec();
  // One rejection, so the rejection lists are not empty.
  await rig.deliver([forged(rig.devices['gw-a']!, T0 + 30 * 1_800_000)]);
});
test.after(async () => {
  await rig?.close();
});

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** hono's "/a/:name{re}" as OpenAPI's "/a/{name}", with the alternatives of a simple regex. */
function openApiPath(honoPath: string): { path: string; params: Map<string, string[] | null> } {
  const params = new Map<string, string[] | null>();
  const path = honoPath.replace(/:(\w+)(?:\{([^}]*)\})?/g, (_, name: string, re?: string) => {
    params.set(name, re ? re.split('|') : null);
    return `{${name}}`;
  });
  return { path, params };
}

async function registeredRoutes(): Promise<{ method: string; path: string }[]> {
  const watch = await StatusWatch.start(null);
  const app = fleetApp({ store: rig.store, watch, now: () => T0, exportSettings: {} }, TOKEN);
  // "ALL" entries are middleware (headers, auth, CSRF), not routes.
  const routes = app.routes.filter((r) => r.method !== 'ALL').map((r) => ({ method: r.method.toLowerCase(), path: r.path }));
  return [...new Map(routes.map((r) => [`${r.method} ${r.path}`, r])).values()];
}

test('every registered route is in the OpenAPI file with its path parameters, and nothing else is', async () => {
  const routes = await registeredRoutes();
  const served = new Set<string>();
  for (const r of routes) {
    const { path, params } = openApiPath(r.path);
    served.add(`${r.method} ${path}`);
    const op = spec.paths[path]?.[r.method];
    assert.ok(op, `${r.method.toUpperCase()} ${r.path} is served but not in docs/openapi-fleet.yaml (as ${path})`);
    const documented = new Map<string, Spec>(
      (op.parameters ?? []).map((p: Spec) => deref(spec, p)).filter((p: Spec) => p.in === 'path').map((p: Spec) => [p.name, p]),
    );
    assert.equal([...documented.keys()].sort(), [...params.keys()].sort(), `${path}: path parameters`);
    for (const [name, alts] of params) {
      if (alts) assert.equal(deref(spec, documented.get(name).schema).enum, alts, `${path}: {${name}} takes exactly what the route matches`);
    }
    assert.ok(op.summary && op.responses, `${path}: summary and responses`);
  }
  const documented = Object.entries(spec.paths as Record<string, Spec>).flatMap(([p, item]) => METHODS.filter((m) => item[m]).map((m) => `${m} ${p}`));
  assert.equal(documented.filter((d) => !served.has(d)), [], 'documented but not served');
  assert.is(routes.length, documented.length, 'one documented operation per route');
  assert.is(routes.length, 14);
});

const bearer = { authorization: `Bearer ${TOKEN}` };

/** Validates one real response against what the OpenAPI file says for that path, method and status. */
async function conforms(path: string, url: string, headers: Record<string, string> = bearer, method = 'get'): Promise<number> {
  const r = await fetch(`${rig.console.url}${url}`, { headers, redirect: 'manual' });
  const op = spec.paths[path][method];
  const resp = deref(spec, op.responses[String(r.status)]);
  assert.ok(resp, `${url}: status ${r.status} is not documented for ${path}`);
  const type = (r.headers.get('content-type') ?? '').split(';')[0]!.trim();
  const media = resp.content?.[type];
  assert.ok(media, `${url}: ${r.status} ${type} is not documented (documented: ${Object.keys(resp.content ?? {}).join(', ')})`);
  const body = await r.text();
  const value = type === 'application/json' ? JSON.parse(body) : body;
  assert.equal(check(spec, media.schema, value), [], `${url} ${r.status}`);
  return r.status;
}

test('real responses of the JSON API validate against the documented schemas', async () => {
  const range = 'devices=gw-a,gw-b&from=2026-06-01&to=2026-06-02';
  const cases: [string, string, number][] = [
    ['/api/v1/fleet', '/api/v1/fleet', 200],
    ['/api/v1/fleet', '/api/v1/fleet?from=2026-06-02&to=2026-06-01', 400],
    ['/api/v1/devices/{device}', '/api/v1/devices/gw-a', 200],
    ['/api/v1/devices/{device}', '/api/v1/devices/gw-b', 200],
    ['/api/v1/devices/{device}', '/api/v1/devices/gw-c', 200],
    ['/api/v1/devices/{device}', '/api/v1/devices/nobody', 404],
    ['/api/v1/rejections', '/api/v1/rejections', 200],
    ['/api/v1/rejections', '/api/v1/rejections?reason=bad-signature&limit=5', 200],
    ['/api/v1/rejections', '/api/v1/rejections?reason=nope', 400],
    ['/api/v1/exports/intervals.csv', `/api/v1/exports/intervals.csv?${range}`, 200],
    ['/api/v1/exports/intervals.json', `/api/v1/exports/intervals.json?${range}`, 200],
    ['/api/v1/exports/intervals.json', '/api/v1/exports/intervals.json?devices=', 400],
    ['/api/v1/exports/{format}', `/api/v1/exports/axle?${range}&allowEstimated=1`, 200],
    ['/api/v1/exports/{format}', `/api/v1/exports/axle?${range}`, 422],
    ['/api/v1/exports/{format}', `/api/v1/exports/elering?${range}&resolution=PT1H`, 200],
    ['/api/v1/exports/{format}', '/api/v1/exports/volue?devices=gw-a&from=2026-06-01&to=2026-06-02&eventId=e1&allowEstimated=1', 200],
    ['/api/v1/exports/{format}', `/api/v1/exports/volue?${range}`, 400],
    ['/api/v1/exports/{format}', `/api/v1/exports/dtc?${range}`, 422],
    ['/login', '/login', 200],
    ['/', '/', 200],
    ['/devices/{device}', '/devices/gw-a', 200],
    ['/rejections', '/rejections', 200],
    ['/exports', '/exports', 200],
    ['/assets/{name}', '/assets/console.css', 200],
  ];
  for (const [path, url, status] of cases) assert.is(await conforms(path, url), status, url);
  // Without a session or token: 401 JSON, as documented for every API path.
  for (const path of Object.keys(spec.paths).filter((p) => p.startsWith('/api/'))) {
    const url = path.replace('{device}', 'gw-a').replace('{format}', 'axle').replace('{name}', 'console.css');
    assert.is(await conforms(path, url, {}), 401, `${url} without a token`);
  }
});

test('a format without export settings answers 409 as documented', async () => {
  const watch = await StatusWatch.start(null);
  const app = fleetApp({ store: rig.store, watch, now: () => T0, exportSettings: {} }, TOKEN);
  const r = await app.request('/api/v1/exports/elering?devices=gw-a&from=2026-06-01&to=2026-06-02', { headers: bearer });
  assert.is(r.status, 409);
  const media = deref(spec, spec.paths['/api/v1/exports/{format}'].get.responses['409']).content['application/json'];
  const body = await r.json();
  assert.equal(check(spec, media.schema, body), []);
  assert.match((body as { error: string }).error, /no elering settings/);
});

test('the checker itself refuses what the schemas forbid', () => {
  const s = { $ref: '#/components/schemas/DeviceSummary' };
  const good = { device: 'd', lastSeen: null, status: 'unknown', latestInterval: null, openGaps: 0, rejected: 0, activeAlarms: 0, activeAlarmLabels: [], keys: 1 };
  assert.equal(check(spec, s, good), []);
  assert.equal(check(spec, s, { ...good, extra: 1 }), ['$: "extra" is not in the schema']);
  assert.equal(check(spec, s, { ...good, status: 'asleep' }), ['$.status: "asleep" is not one of ["online","offline","unknown"]']);
  assert.equal(check(spec, s, { ...good, openGaps: 1.5 }), ['$.openGaps: is number, expected integer']);
  const { keys: _k, ...noKeys } = good;
  assert.equal(check(spec, s, noKeys), ['$: required "keys" is missing']);
});

test.run();
