// A collector store (SQLite, or PostgreSQL when given a URL) filled the way the collector fills it: simulated
// gateways' signed records verified by verifyMessage and ingested; retained status on an in-process broker; the
// fleet console on a free loopback port with a fixed clock.
import { waitFor } from '../helpers/wait-for.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../device/mqtt/embedded-broker.js';
import { topics } from '../../device/mqtt/topics.js';
import { KeyRing } from '../../host-cli/collector/key-ring.js';
import { openStore } from '../../host-cli/collector/open-store.js';
import { newIdentity, SimDevice } from '../../host-cli/collector/sim-device.js';
import type { CollectorStore, IngestResult, Rejection, VerifiedRecord } from '../../host-cli/collector/store-types.js';
import { verifyMessage } from '../../host-cli/collector/verify-message.js';
import { startFleetConsole, type RunningFleetConsole } from '../../host-cli/fleet-console/fleet-app.js';
import type { ExportSettings } from '../../host-cli/fleet-console/fleet-exports.js';
import mqtt from 'mqtt';
import type { AlarmRecord } from '../../device/records/record-types.js';

export const TOKEN = 'fleet-test-token-0123456789';
export const T0 = Date.parse('2026-06-01T00:00:00Z');
const HH = 1_800_000;

/** What the market exporters need for gw-a (a charger) and gw-b (a battery); gw-c has no records. */
export const EXPORT_SETTINGS: ExportSettings = {
  axle: { assetMap: { 'gw-a': { assetId: '6f1c1a52-8d2e-4c1b-9a57-0b7d6a1e2f30', role: 'charger' }, 'gw-b': { assetId: '0e4b7d9c-2a61-4f3e-8c15-7d2a9b6e4c81', role: 'battery' } } },
  elering: { meterMap: { 'gw-a': '38ZEE-00000001-A', 'gw-b': '38ZEE-00000002-B' } },
  volue: { resourceMap: { 'gw-a': { resourceId: 'res-a', locationId: 'loc-a' }, 'gw-b': { resourceId: 'res-b', locationId: 'loc-b' } } },
  dtc: { fromMpid: 'AMSG', toMpid: 'ELEX' },
};

export interface FleetRig {
  /** The store's SQLite file (or PostgreSQL URL). */
  db: string;
  store: CollectorStore;
  console: RunningFleetConsole;
  devices: Record<string, SimDevice>;
  /** Verifies and stores messages as the collector does. */
  deliver(msgs: { topic: string; compact: string }[]): Promise<IngestResult>;
  close(): Promise<void>;
}

export async function startFleetRig(db?: string): Promise<FleetRig> {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-fleet-'));
  const dbPath = db ?? join(dir, 'collector.sqlite');
  const store = await openStore(dbPath);
  const broker: EmbeddedBroker = await startEmbeddedBroker(0);
  const devices: Record<string, SimDevice> = {};
  for (const [i, name] of ['gw-a', 'gw-b', 'gw-c'].entries()) {
    const id = newIdentity(name, i === 1 ? 'ES256' : 'EdDSA');
    await store.addKey({ device: name, kid: id.kid, alg: id.alg, jwk: id.publicJwk, validFrom: 0, validTo: null, source: 'commissioning record', addedAt: T0 - 86_400_000 });
    devices[name] = new SimDevice(id);
  }
  const deliver = async (msgs: { topic: string; compact: string }[]): Promise<IngestResult> => {
    const ring = KeyRing.from(await store.listKeys());
    const recs: VerifiedRecord[] = [];
    const rej: Rejection[] = [];
    for (const m of msgs) {
      const v = verifyMessage(m.topic, Buffer.from(m.compact), ring, T0 + 12 * 3_600_000);
      if (v.ok) recs.push(v.record);
      else rej.push(v.rejection);
    }
    return store.ingest(recs, rej);
  };
  // gw-a: 24 half-hours of charging with SP 11-12 missing and one estimated; gw-b: a battery, import and export.
  const msgs: { topic: string; compact: string }[] = [];
  for (let k = 0; k < 24; k++) {
    if (k === 10 || k === 11) continue;
    msgs.push({ topic: topics.interval('gw-a'), compact: devices['gw-a']!.interval({ start: T0 + k * HH, energyWh: 1000 + 150 * (k % 6), quality: k === 5 ? 'estimated' : 'actual', meter: 'charger' }).compact });
  }
  for (let k = 0; k < 24; k++) {
    // Charging in the first hours, discharging later: each period has both channels, one of them 0 Wh.
    const charging = k < 12;
    for (const ch of ['import', 'export'] as const) {
      const wh = (ch === 'import') === charging ? 800 + 40 * k : 0;
      msgs.push({ topic: topics.interval('gw-b'), compact: devices['gw-b']!.interval({ start: T0 + k * HH, energyWh: wh, channel: ch, meter: 'battery' }).compact });
    }
  }
  await deliver(msgs);
  // gw-a's own signed alarm records (after its intervals, seq 23..27): the charger's meter stopped answering, came
  // back, stopped again (active); the clock lost sync and regained it (device-wide, cleared).
  const gwa = devices['gw-a']!;
  const alarm = (kind: AlarmRecord['alarm'], meter: string | null, state: AlarmRecord['state'], atMs: number, detail: string) => {
    const at = new Date(atMs).toISOString();
    return { topic: topics.alarm('gw-a'), compact: gwa.seal<AlarmRecord>({ type: 'alarm', alarm: kind, meter, state, at, detail }, at).compact };
  };
  const gw = await deliver([
    alarm('meter-comms-failure', 'charger', 'raised', T0 + 4 * 3_600_000, 'no Modbus answer from the meter for 60 s'),
    alarm('meter-comms-failure', 'charger', 'cleared', T0 + 4.5 * 3_600_000, 'the meter answers again'),
    alarm('clock-unsynchronised', null, 'raised', T0 + 5 * 3_600_000, 'no NTP sync for 3600 s'),
    alarm('clock-unsynchronised', null, 'cleared', T0 + 6 * 3_600_000, 'NTP synchronised'),
    alarm('meter-comms-failure', 'charger', 'raised', T0 + 9 * 3_600_000, 'no Modbus answer from the meter for 60 s'),
  ]);
  if (gw.accepted !== 5) throw new Error(`rig: gw-a's alarm records were not all stored: ${JSON.stringify(gw)}`);
  // Recovery's traces in the store: gw-a had records missing and got them (an alarm, then recovered); gw-b announced
  // seq 49 (48 stored), which is being asked for; gw-c announced seq 5 and none came: an active alarm.
  await store.addAlarm({ at: T0 + 2 * 3_600_000, device: 'gw-a', kind: 'records-missing', fromSeq: 3, toSeq: 4, detail: '2 record(s) missing in seq 3..4 after 5 resend request(s) over 600 s: the gateway did not send them (offline, or not answering); still asking' });
  await store.addAlarm({ at: T0 + 3 * 3_600_000, device: 'gw-a', kind: 'recovered', fromSeq: 3, toSeq: 4, detail: 'every record up to the announced tail is stored, after 6 resend request(s)' });
  await store.noteTails([{ device: 'gw-b', seq: 49, seenAt: T0 + 12 * 3_600_000 }, { device: 'gw-c', seq: 5, seenAt: T0 + 10 * 3_600_000 }]);
  // The recovery's request state for gw-c: five requests so far, the next due at 12:30.
  await store.noteResendRequest({ device: 'gw-c', ranges: '1..5', firstAt: T0 + 10 * 3_600_000, lastAt: T0 + 11 * 3_600_000, nextAt: T0 + 12.5 * 3_600_000, attempts: 5, why: null });
  await store.addAlarm({ at: T0 + 11 * 3_600_000, device: 'gw-c', kind: 'records-missing', fromSeq: 1, toSeq: 5, detail: '5 record(s) missing in seq 1..5 (1..5 before-first) after 5 resend request(s) over 3600 s: the gateway did not send them (offline, or not answering); still asking' });
  // Retained status as the gateways publish it (gw-c has a key but never reported).
  const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
  await pub.publishAsync(topics.status('gw-a'), JSON.stringify({ state: 'online', device: 'gw-a', at: new Date(T0).toISOString() }), { qos: 1, retain: true });
  await pub.publishAsync(topics.status('gw-b'), JSON.stringify({ state: 'offline', device: 'gw-b', at: new Date(T0).toISOString() }), { qos: 1, retain: true });
  await pub.endAsync();
  const con = await startFleetConsole({ store, token: TOKEN, listen: '127.0.0.1', port: 0, broker: broker.url, now: () => T0 + 12 * 3_600_000 + 600_000, exportSettings: EXPORT_SETTINGS });
  // Retained messages arrive after the subscription: the rig is ready once both are in.
  await waitFor(() => con.statusesSeen() === 2, 'the console to receive the two retained statuses');
  return {
    db: dbPath,
    store,
    console: con,
    devices,
    deliver,
    close: async () => {
      await con.close();
      await store.close();
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A valid record of `dev` with one character of its signature changed: a forgery the collector must refuse. */
export function forged(dev: SimDevice, start: number): { topic: string; compact: string } {
  const good = dev.interval({ start, energyWh: 99_999, meter: 'charger' }).compact;
  const [h, p, s] = good.split('.');
  const flip = s!.startsWith('A') ? `B${s!.slice(1)}` : `A${s!.slice(1)}`;
  return { topic: topics.interval(dev.device), compact: `${h}.${p}.${flip}` };
}
