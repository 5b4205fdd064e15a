// The adoption policy (adoption.ts) and the presence messages it reads (member-presence.ts), with stand-in adopters.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Adoptions, type Adopter } from '../../../host-cli/collector/adoption.js';
import { presencePayload, presenceWill, readPresence, type MemberPresence } from '../../../host-cli/collector/member-presence.js';
import { register } from '../../../host-cli/commands/collect.js';
import { runInProcess } from '../../helpers/in-process-cli.js';
import { tempSqlite } from './helpers.js';

async function until(cond: () => boolean, what: string, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

function rig(fail = false): { adoptions: Adoptions; started: string[]; ends: Map<string, () => void>; stopped: string[]; events: Record<string, unknown>[] } {
  const started: string[] = [];
  const stopped: string[] = [];
  const ends = new Map<string, () => void>();
  const events: Record<string, unknown>[] = [];
  const adoptions = new Adoptions({
    self: 'B',
    log: (e) => void events.push(e),
    liveDelayMs: 1,
    retainedDelayMs: 30,
    adopt: async (member): Promise<Adopter> => {
      started.push(member);
      if (fail) throw new Error('no session');
      let end!: () => void;
      const closed = new Promise<void>((r) => (end = r));
      ends.set(member, end);
      return { closed, stop: async () => void stopped.push(member) };
    },
  });
  return { adoptions, started, ends, stopped, events };
}
const p = (member: string, state: 'online' | 'offline'): MemberPresence => ({ group: 'g', member, state });

test('presence messages: topic and payload must agree; the will has no time', () => {
  const will = presenceWill('g', 'A');
  assert.equal(readPresence(will.topic, will.payload), { group: 'g', member: 'A', state: 'offline' });
  assert.is(will.retain, true);
  const on = presencePayload('g', 'A', 'online', new Date(0));
  assert.equal(readPresence('amsgate/head-end/g/A', on), { group: 'g', member: 'A', state: 'online', at: '1970-01-01T00:00:00.000Z' });
  assert.is(readPresence('amsgate/head-end/g/X', on), null, 'payload names another member');
  assert.is(readPresence('amsgate/head-end/h/A', on), null, 'payload names another group');
  assert.is(readPresence('amsgate/v1/A/status', on), null);
  assert.is(readPresence('amsgate/head-end/g/A', '{"state":"gone","group":"g","member":"A"}'), null);
  assert.is(readPresence('amsgate/head-end/g/A', 'not json'), null);
});

test('a member that goes offline is adopted once; the adoption ends when its connection does; it is adopted again later', async () => {
  const r = rig();
  r.adoptions.onPresence(p('B', 'offline'), false);
  r.adoptions.onPresence(p('A', 'offline'), false);
  r.adoptions.onPresence(p('A', 'offline'), false);
  await until(() => r.adoptions.adopted.includes('A'), 'A adopted');
  assert.equal(r.started, ['A'], 'once, and never itself');
  r.adoptions.onPresence(p('A', 'offline'), false);
  r.ends.get('A')!(); // the member took its session back
  await until(() => r.adoptions.adopted.length === 0, 'the adoption to end');
  assert.ok(r.events.some((e) => e.event === 'adoption-ended' && e.member === 'A'));
  r.adoptions.onPresence(p('A', 'offline'), false);
  await until(() => r.adoptions.adopted.includes('A'), 'A adopted again');
  assert.equal(r.started, ['A', 'A']);
  await r.adoptions.stopAll();
  assert.equal(r.stopped, ['A']);
});

test('an offline followed by online before the delay (a retained, stale offline) adopts nothing', async () => {
  const r = rig();
  r.adoptions.onPresence(p('A', 'offline'), true);
  r.adoptions.onPresence(p('A', 'online'), false);
  r.adoptions.onPresence(p('C', 'offline'), true);
  await until(() => r.adoptions.adopted.includes('C'), 'C (still offline) adopted');
  assert.equal(r.started, ['C'], 'A came back online before its 30 ms');
  await r.adoptions.stopAll();
});

test('a member back online while its adopter was connecting: the adopter is stopped at once, nothing adopted', async () => {
  const stopped: string[] = [];
  let connected!: () => void;
  const adoptions = new Adoptions({
    self: 'B',
    log: () => undefined,
    liveDelayMs: 1,
    adopt: (member) =>
      new Promise<Adopter>((resolve) => {
        connected = () => resolve({ closed: new Promise<void>(() => undefined), stop: async () => void stopped.push(member) });
      }),
  });
  adoptions.onPresence(p('A', 'offline'), false);
  await until(() => connected !== undefined, 'the adopter to be connecting');
  adoptions.onPresence(p('A', 'online'), false);
  connected();
  await until(() => stopped.length === 1, 'the adopter to be stopped');
  assert.equal(stopped, ['A']);
  assert.equal(adoptions.adopted, []);
});

test('no session to take over: logged, tried again at the next offline', async () => {
  const r = rig(true);
  r.adoptions.onPresence(p('A', 'offline'), false);
  await until(() => r.events.some((e) => e.event === 'adopt-failed'), 'adopt-failed');
  r.adoptions.onPresence(p('A', 'offline'), false);
  await until(() => r.started.length === 2, 'a second attempt');
  assert.equal(r.adoptions.adopted, []);
  await r.adoptions.stopAll();
  r.adoptions.onPresence(p('D', 'offline'), false);
  await new Promise((res) => setImmediate(res));
  assert.is(r.started.length, 2, 'nothing adopted after stopAll');
});

test('collect --adopt with a client id that cannot name a topic: exit 2, the rule named, nothing started', async () => {
  const { path, cleanup } = await tempSqlite();
  try {
    const r = await runInProcess(register, ['collect', '--db', path, '--broker', 'mqtt://127.0.0.1:1', '--adopt', '--client-id', 'site/a']);
    assert.is(r.code, 2, r.err);
    assert.match(r.err, /--adopt names each member .*"site\/a".*must not contain "\/", "\+" or "#"/);
  } finally {
    await cleanup();
  }
});

test.run();
