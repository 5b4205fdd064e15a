// MeterBus: the poll loop's reads and the console's identity read never use a meter's connection at the same time,
// and a user that hangs holds the others up only for the bounded wait.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MeterBus } from '../../device/runtime/meter-bus.js';

const deferred = () => {
  let resolve!: () => void;
  const p = new Promise<void>((r) => (resolve = r));
  return { p, resolve };
};

test('users of one meter take turns; other meters are not held up', async () => {
  const bus = new MeterBus(10_000);
  const log: string[] = [];
  const first = deferred();
  const a = await bus.start('m1', async () => {
    log.push('read start');
    await first.p;
    log.push('read end');
  });
  // Two callers queue behind the read: neither may start before it ends, nor together.
  const b = bus.start('m1', async () => {
    log.push('identify start');
    await new Promise((r) => setTimeout(r, 5));
    log.push('identify end');
    return 'serial';
  });
  const c = bus.start('m1', async () => void log.push('next read'));
  const other = await bus.start('m2', async () => void log.push('other meter'));
  await other.work;
  assert.equal(log, ['read start', 'other meter']);
  first.resolve();
  await a.work;
  assert.is(await (await b).work, 'serial');
  await (await c).work;
  assert.equal(log, ['read start', 'other meter', 'read end', 'identify start', 'identify end', 'next read']);
});

test('a failed user releases the connection; a hung one is waited for only maxWaitMs', async () => {
  const bus = new MeterBus(50);
  const failed = await bus.start('m', () => Promise.reject(new Error('frame error')));
  await failed.work.catch(() => {});
  const ok = await bus.start('m', async () => 1);
  assert.is(await ok.work, 1);
  await bus.start('m', () => new Promise<never>(() => {}));
  const t0 = Date.now();
  const after = await bus.start('m', async () => 2);
  assert.is(await after.work, 2);
  assert.ok(Date.now() - t0 >= 45, 'waited for the hung user first');
});

test.run();
