// Nothing missed: gaps after the last stored record (announced tail), `collect --gaps` up to now minus a grace period,
// and the recovery loop's resend requests by sequence range with back-off and an alarm saying why not.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { register } from '../../../host-cli/commands/collect.js';
import { verifyMessage } from '../../../host-cli/collector/verify-message.js';
import { KeyRing } from '../../../host-cli/collector/key-ring.js';
import { Recovery, type SeqResendCommand } from '../../../host-cli/collector/recovery.js';
import type { CollectorStore, VerifiedRecord } from '../../../host-cli/collector/store-types.js';
import { runInProcess } from '../../helpers/in-process-cli.js';
import { registeredDevice, tempSqlite } from './helpers.js';

const T = Date.parse('2026-06-01T00:00:00Z');

function ok(v: ReturnType<typeof verifyMessage>): VerifiedRecord {
  if (!v.ok) throw new Error(`${v.rejection.reason}: ${v.rejection.detail}`);
  return v.record;
}
const H = 1_800_000;

test('chain report: seqs after the last stored record, up to the announced tail, are missing (and a silent device from 1)', async () => {
  const { store, cleanup } = await tempSqlite();
  try {
    const d = await registeredDevice(store, 'gw-t');
    const ring = KeyRing.from(await store.listKeys());
    const recs = [0, 1, 2].map((i) => verifyMessage('amsgate/v1/gw-t/interval', d.interval({ start: T + i * H, energyWh: i }).compact, ring, T));
    await store.ingest(recs.map(ok), []);
    assert.equal((await store.chainReport()).gaps, []);
    await store.noteTails([{ device: 'gw-t', seq: 5, seenAt: T }, { device: 'gw-silent', seq: 2, seenAt: T }]);
    await store.noteTails([{ device: 'gw-t', seq: 4, seenAt: T + 1 }]); // never lowered
    assert.equal((await store.chainReport()).gaps, [
      { device: 'gw-silent', from: 1, to: 2, where: 'before-first' },
      { device: 'gw-t', from: 4, to: 5, where: 'after-last' },
    ]);
    assert.equal((await store.chainReport('gw-t')).gaps, [{ device: 'gw-t', from: 4, to: 5, where: 'after-last' }]);
    assert.equal((await store.listTails('gw-t')).map((t) => t.seq), [5]);
  } finally {
    await cleanup();
  }
});

test('collect --gaps checks up to now minus the grace period, not only between the first and last stored record', async () => {
  const { store, path, cleanup } = await tempSqlite();
  try {
    const d = await registeredDevice(store, 'gw-h');
    const ring = KeyRing.from(await store.listKeys());
    // Two periods, the last one ending 4 hours ago: with a 60-minute grace, 5 more periods must already be there.
    const start = Math.floor((Date.now() - 5 * H) / H) * H - 2 * H;
    const vs = [0, 1].map((i) => verifyMessage('amsgate/v1/gw-h/interval', d.interval({ start: start + i * H, energyWh: 7 }).compact, ring, T));
    await store.ingest(vs.map(ok), []);
    await store.close();
    const r = await runInProcess(register, ['collect', '--db', path, '--gaps', '--json']);
    assert.is(r.code, 1, r.out + r.err);
    const j = JSON.parse(r.out) as { periods: { device: string; missing: number; from: string }[] };
    const end = Date.now() - 60 * 60_000;
    const expected = Math.floor((end - (start + 2 * H)) / H);
    assert.equal(j.periods.map((p) => [p.device, p.from, p.missing]), [['gw-h', new Date(start + 2 * H).toISOString(), expected]]);
  } finally {
    await cleanup();
  }
});

function fakeClock(t0: number): { now: () => number; sleep: (ms: number) => Promise<void>; advance: (ms: number) => void } {
  let t = t0;
  return { now: () => t, sleep: async () => undefined, advance: (ms) => void (t += ms) };
}

test('recovery: asks by seq range after the grace, backs off, raises an alarm naming why, and clears it once stored', async () => {
  const { store, cleanup } = await tempSqlite();
  try {
    const d = await registeredDevice(store, 'gw-r');
    const ring = KeyRing.from(await store.listKeys());
    const all = [0, 1, 2, 3, 4].map((i) => verifyMessage('amsgate/v1/gw-r/interval', d.interval({ start: T + i * H, energyWh: i }).compact, ring, T));
    const rec = (i: number): VerifiedRecord => ok(all[i]!);
    await store.ingest([rec(0), rec(2)], []);
    await store.noteTails([{ device: 'gw-r', seq: 5, seenAt: T }]);
    const clock = fakeClock(T);
    const sent: { at: number; device: string; cmd: SeqResendCommand }[] = [];
    let n = 0;
    const rc = new Recovery({
      store, clock, newId: () => `c${++n}`, graceMs: 10_000, backoffMs: 1000, maxBackoffMs: 4000, alarmAfter: 3,
      publish: async (device, cmd) => void sent.push({ at: clock.now(), device, cmd }),
    });
    assert.is((await rc.tick()).requests, 0, 'nothing asked inside the grace period');
    clock.advance(10_000);
    assert.is((await rc.tick()).requests, 2);
    assert.equal(sent.map((s) => [s.cmd.fromSeq, s.cmd.toSeq]), [[2, 2], [4, 5]]);
    assert.equal(sent[0]!.cmd, { id: 'c1', type: 'resend', fromSeq: 2, toSeq: 2 });
    // Back-off 1 s, 2 s, 4 s, 4 s: requests at +0, +1, +3, +7.
    const times: number[] = [clock.now()];
    for (let i = 0; i < 80; i++) {
      clock.advance(100);
      if ((await rc.tick()).requests) times.push(clock.now());
    }
    assert.equal(times.map((t) => t - times[0]!), [0, 1000, 3000, 7000]);
    let alarms = await store.listAlarms(10, 'gw-r');
    assert.is(alarms.length, 1);
    assert.is(alarms[0]!.kind, 'records-missing');
    assert.match(alarms[0]!.detail, /3 record\(s\) missing in seq 2\.\.5 .*after 3 resend request/);
    // The gateway answers the latest request for 4..5 with one record: the alarm already stands, the reason is kept.
    await store.ingest([rec(1), rec(3), rec(4)], []);
    await rc.tick();
    alarms = await store.listAlarms(10, 'gw-r');
    assert.equal(alarms.map((a) => a.kind), ['recovered', 'records-missing']);
  } finally {
    await cleanup();
  }
});

test('recovery: a short reply raises the alarm at once with the gateway\'s reason', async () => {
  const { store, cleanup } = await tempSqlite();
  try {
    await store.noteTails([{ device: 'gw-x', seq: 3, seenAt: T }]);
    const clock = fakeClock(T);
    const sent: SeqResendCommand[] = [];
    const rc = new Recovery({ store, clock, newId: () => 'only', graceMs: 0, publish: async (_d, cmd) => void sent.push(cmd) });
    await rc.tick();
    assert.equal(sent, [{ id: 'only', type: 'resend', fromSeq: 1, toSeq: 3 }]);
    await rc.onReply('gw-x', { id: 'only', type: 'resend', records: 1 });
    const a = await store.listAlarms(5);
    assert.is(a.length, 1);
    assert.match(a[0]!.detail, /holds only 1 of the 3 records seq 1\.\.3/);
  } finally {
    await cleanup();
  }
});

test('recovery: the request state is kept in the store; a restarted collector goes on counting and backing off, and forgets it once all came', async () => {
  const { store, cleanup } = await tempSqlite();
  try {
    const d = await registeredDevice(store, 'gw-p');
    const ring = KeyRing.from(await store.listKeys());
    const all = [0, 1, 2].map((i) => verifyMessage('amsgate/v1/gw-p/interval', d.interval({ start: T + i * H, energyWh: i }).compact, ring, T));
    await store.ingest([ok(all[0]!)], []);
    await store.noteTails([{ device: 'gw-p', seq: 3, seenAt: T }]);
    const clock = fakeClock(T);
    const sent: number[] = [];
    const opts = { store, clock, newId: () => 'id', graceMs: 0, backoffMs: 1000, maxBackoffMs: 8000, alarmAfter: 10, publish: async () => void sent.push(clock.now()) };
    const first = new Recovery(opts);
    await first.tick(); // attempt 1 at T, next at T+1000
    clock.advance(1000);
    await first.tick(); // attempt 2 at T+1000, next at T+3000
    assert.equal(await store.listResendRequests('gw-p'), [{ device: 'gw-p', ranges: '2..3', firstAt: T, lastAt: T + 1000, nextAt: T + 3000, attempts: 2, why: null }]);
    // A new collector process over the same store: no request before T+3000, then attempt 3 with a 4 s back-off.
    const second = new Recovery(opts);
    clock.advance(1000);
    assert.is((await second.tick()).requests, 0);
    clock.advance(1000);
    assert.is((await second.tick()).requests, 1);
    assert.equal((await store.listResendRequests()).map((r) => [r.attempts, r.lastAt - T, r.nextAt - T]), [[3, 3000, 7000]]);
    await store.ingest([ok(all[1]!), ok(all[2]!)], []);
    await second.tick();
    assert.equal(await store.listResendRequests(), []);
    assert.equal(sent.map((t) => t - T), [0, 1000, 3000]);
  } finally {
    await cleanup();
  }
});

test('recovery: an alarmed episode taken over from the store closes with its own seq range once the records came', async () => {
  const { store, cleanup } = await tempSqlite();
  try {
    const d = await registeredDevice(store, 'gw-q');
    const ring = KeyRing.from(await store.listKeys());
    const all = [0, 1, 2].map((i) => verifyMessage('amsgate/v1/gw-q/interval', d.interval({ start: T + i * H, energyWh: i }).compact, ring, T));
    // A previous collector asked 6 times for 2..3 and raised the alarm; the records came while no collector ran.
    await store.noteResendRequest({ device: 'gw-q', ranges: '2..3', firstAt: T, lastAt: T + 5000, nextAt: T + 9000, attempts: 6, why: null });
    await store.ingest(all.map((v) => ok(v)), []);
    const rc = new Recovery({ store, clock: fakeClock(T + 10_000), newId: () => 'id', graceMs: 0, publish: async () => undefined });
    await rc.tick();
    const alarms = await store.listAlarms(5, 'gw-q');
    assert.equal(alarms.map((a) => [a.kind, a.fromSeq, a.toSeq]), [['recovered', 2, 3]]);
    assert.equal(await store.listResendRequests(), []);
  } finally {
    await cleanup();
  }
});

test.run();
