import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { StopSignal } from '../../drivers/stop-signal.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

test('a race settles as its wait does and leaves nothing registered', async () => {
  const s = new StopSignal();
  for (let i = 0; i < 1000; i++) assert.is(await s.race(Promise.resolve(i)), i);
  assert.is(s.pending, 0);
  await s.race(Promise.reject(new Error('boom'))).then(() => assert.unreachable('should reject'), (e: Error) => assert.is(e.message, 'boom'));
  assert.is(s.pending, 0);
});

test('fire() ends the waits in progress, and later races resolve at once', async () => {
  const s = new StopSignal();
  const never = new Promise<number>(() => {});
  const a = s.race(never);
  const b = s.race(never);
  assert.is(s.pending, 2);
  s.fire();
  assert.equal(await Promise.all([a, b]), [undefined, undefined]);
  assert.is(s.pending, 0);
  assert.is(await s.race(never), undefined);
  assert.ok(s.stopped);
});

test('a settled race is not kept alive by the signal (Promise.race against a pending promise would be)', async () => {
  const s = new StopSignal();
  let ref!: WeakRef<object>;
  await (async () => {
    const value = { payload: new Array(1000).fill(1) };
    ref = new WeakRef(value);
    await s.race(Promise.resolve(value));
  })();
  await new Promise((r) => setImmediate(r));
  gc();
  assert.is(ref.deref(), undefined, 'the value of a settled race was collected');
});

test.run();
