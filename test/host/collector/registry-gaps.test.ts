import { test } from 'uvu';
import * as assert from 'uvu/assert';
import mqtt from 'mqtt';
import { findPeriodGaps, resendCommands } from '../../../host-cli/collector/gaps.js';
import { addDeviceKey, keyFromCommissioning, parseDateOption, parsePublicKey, registeredKeyOf, rotateDeviceKey } from '../../../host-cli/collector/registry.js';
import { newIdentity, SimDevice } from '../../../host-cli/collector/sim-device.js';
import { signCompactWith } from '../../../host-cli/collector/jws.js';
import type { StoredInterval } from '../../../host-cli/collector/store-types.js';
import type { CollectorStore } from '../../../host-cli/collector/store-types.js';
import { gapReport, publishResends } from '../../../host-cli/commands/collect.js';
import { startBroker } from './broker.js';
import { tempSqlite } from './helpers.js';

const T = Date.parse('2026-06-01T00:00:00Z');

test('registry: PEM and JWK give the same kid; rotate closes the old key at the switch-over; a kid belongs to one device', async () => {
  const { store, cleanup } = await tempSqlite();
  try {
    const id = newIdentity('gw1', 'ES256');
    const fromPem = parsePublicKey(id.publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const fromJwk = parsePublicKey(JSON.stringify(id.publicJwk));
    const k1 = registeredKeyOf('gw1', fromPem, T, 'manual', 0);
    assert.is(k1.kid, id.kid);
    assert.is(registeredKeyOf('gw1', fromJwk, T, 'manual', 0).kid, id.kid);
    await addDeviceKey(store, k1);
    let refused = '';
    await addDeviceKey(store, { ...k1, device: 'gw2' }).catch((e: Error) => (refused = e.message));
    assert.match(refused, /one device/);
    const id2 = newIdentity('gw1', 'EdDSA');
    const r = await rotateDeviceKey(store, registeredKeyOf('gw1', id2.publicKey, T + 86_400_000, 'rotation', 0));
    assert.equal(r.closed, [id.kid]);
    const keys = await store.listKeys('gw1');
    assert.equal(keys.map((k) => [k.kid, k.validFrom, k.validTo]), [[id.kid, T, T + 86_400_000], [id2.kid, T + 86_400_000, null]]);
    assert.throws(() => parsePublicKey('not a key'), /PEM public key or a JWK/);
    assert.throws(() => parseDateOption('yesterday', '--at'), /YYYY-MM-DD/);
  } finally {
    await cleanup();
  }
});

test('registry: commissioning records are read, and a kid that does not match the key is refused', () => {
  const id = newIdentity('gw9', 'EdDSA');
  const k = keyFromCommissioning(JSON.stringify({ deviceId: 'gw9', publicJwk: id.publicJwk, kid: id.kid, commissionedAt: '2026-10-01T09:00:00Z' }), 0);
  // Valid from the key's creation (unknown here: the start of time), not from the end of commissioning.
  assert.equal([k.device, k.kid, k.alg, k.validFrom, k.source], ['gw9', id.kid, 'EdDSA', 0, 'commissioning']);
  assert.throws(() => keyFromCommissioning(JSON.stringify({ device: 'gw9', publicJwk: id.publicJwk, kid: 'wrong', commissionedAt: '2026-10-01T09:00:00Z' }), 0), /does not match/);
  assert.throws(() => keyFromCommissioning(JSON.stringify({ device: 'gw9', publicJwk: id.publicJwk }), 0), /commissionedAt/);
  const rec = { type: 'amsgate-commissioning', v: 1, deviceId: 'gw9', device: 'gw9', commissionedAt: '2026-10-01T09:00:00Z', result: 'pass', kid: id.kid, publicJwk: { ...id.publicJwk, kid: id.kid, alg: 'EdDSA', use: 'sig' } };
  assert.is(keyFromCommissioning(signCompactWith(rec, id.privateKey, id.kid), 0).kid, id.kid);
  const other = newIdentity('gw9', 'EdDSA');
  assert.throws(() => keyFromCommissioning(signCompactWith(rec, other.privateKey, other.kid), 0), /does not verify/);
  assert.throws(() => keyFromCommissioning(JSON.stringify({ ...rec, result: 'fail' }), 0), /not commissioned/);
});

function stored(sim: SimDevice, starts: number[], meter = 'm1', resolution: 'PT30M' | 'PT15M' = 'PT30M'): StoredInterval[] {
  return starts.map((s) => {
    const r = sim.interval({ start: s, energyWh: 1, meter, resolution });
    return { id: r.payload.id, device: sim.device, seq: r.payload.seq, receivedAt: 0, payload: r.payload };
  });
}

test('gaps: missing periods per device/meter/channel, inside and at the ends of a range; one resend per run', () => {
  const sim = new SimDevice(newIdentity('gw1'));
  const H = 1_800_000;
  const rows = [...stored(sim, [T, T + H, T + 4 * H, T + 5 * H]), ...stored(sim, [T, T + 900_000, T + 2 * 900_000], 'm2', 'PT15M')];
  const g = findPeriodGaps(rows);
  assert.equal(g.map((x) => [x.meter, x.from, x.to, x.missing]), [['m1', new Date(T + 2 * H).toISOString(), new Date(T + 4 * H).toISOString(), 2]]);
  const bounded = findPeriodGaps(rows, { fromMs: T - H, toMs: T + 7 * H });
  assert.equal(bounded.filter((x) => x.meter === 'm1').map((x) => x.missing), [1, 2, 1]);
  let n = 0;
  const cmds = resendCommands(bounded, () => `c${++n}`);
  assert.ok(cmds.every((c) => c.command.type === 'resend' && c.device === 'gw1'));
  assert.equal(cmds[0]!.command, { id: 'c1', type: 'resend', from: new Date(T - H).toISOString(), to: new Date(T).toISOString(), meter: 'm1' });
});

test('gaps: --request-resend publishes resend commands on the gateway command topic', async () => {
  const broker = await startBroker();
  const { store, cleanup } = await tempSqlite();
  const sub = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
  try {
    const sim = new SimDevice(newIdentity('gw7'));
    const rows = stored(sim, [T, T + 3 * 1_800_000]);
    const report = findPeriodGaps(rows);
    assert.is(report[0]!.missing, 2);
    const got: unknown[] = [];
    await sub.subscribeAsync('amsgate/v1/+/cmd', { qos: 1 });
    sub.on('message', (topic, payload) => got.push({ topic, cmd: JSON.parse(payload.toString()) }));
    assert.is(await publishResends(broker.url, 4, report), 1);
    const end = Date.now() + 3000;
    while (got.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    const m = got[0] as { topic: string; cmd: { type: string; from: string; to: string; meter: string } };
    assert.is(m.topic, 'amsgate/v1/gw7/cmd');
    assert.equal([m.cmd.type, m.cmd.from, m.cmd.to, m.cmd.meter], ['resend', new Date(T + 1_800_000).toISOString(), new Date(T + 3 * 1_800_000).toISOString(), 'm1']);
    assert.equal((await gapReport(store, {})).periods, []);
  } finally {
    await sub.endAsync();
    await broker.close();
    await cleanup();
  }
});

test('gaps: the daemon window counts only holes inside a series, never periods before a gateway first record', async () => {
  const sim = new SimDevice(newIdentity('gw9'));
  const H = 1_800_000;
  const rows = stored(sim, [T, T + H, T + 3 * H]);
  const store = { intervals: async () => rows, chainReport: async () => ({ gaps: [], breaks: [] }) } as unknown as CollectorStore;
  const windowed = await gapReport(store, { fromMs: T - 48 * H, withinSeries: true });
  assert.equal(windowed.periods.map((g) => [g.from, g.missing]), [[new Date(T + 2 * H).toISOString(), 1]]);
  const bounded = await gapReport(store, { fromMs: T - 48 * H });
  assert.is(bounded.periods.reduce((n, g) => n + g.missing, 0), 49);
});

test.run();
