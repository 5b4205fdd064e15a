import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cutWaitMs, quietOnly } from '../../../host-cli/collector/batch-cut.js';
import { untilCut, type CutState } from '../../../host-cli/collector/batch-wait.js';

const rule = { size: 100, quietMs: 5, maxMs: 500 };

test('a full batch, or nothing queued, is cut at once', () => {
  assert.is(cutWaitMs(rule, 100, 1000, 1000, 990), 0);
  assert.is(cutWaitMs(rule, 0, 1000, 1000, 0), 0);
});

test('while messages keep coming the batch waits for the stream to pause, at most maxMs from its oldest', () => {
  assert.is(cutWaitMs(rule, 40, 1000, 999, 900), 4, 'last message 1 ms ago: 4 ms more of quiet needed');
  assert.is(cutWaitMs(rule, 40, 1000, 995, 900), 0, 'quiet for 5 ms: cut');
  assert.is(cutWaitMs(rule, 40, 1000, 1000, 498), 0, 'oldest waited 502 ms: cut');
  assert.is(cutWaitMs(rule, 40, 1000, 1000, 502.5), 3, 'oldest waited 497.5 ms: 2.5 ms left, rounded up');
});

test('a pause the collector caused itself (busy, reading nothing) is not quiet: quiet counts from when it began to wait', () => {
  assert.is(cutWaitMs(rule, 40, 1000, 950, 900, 1000), 5, 'busy until now, last message 50 ms ago: wait 5 ms for the socket');
  assert.is(cutWaitMs(rule, 40, 1005, 950, 900, 1000), 0, 'waited 5 ms, nothing came: the stream is quiet');
  assert.is(cutWaitMs(rule, 40, 1005, 1003, 900, 1000), 3, 'a message came while waiting: 5 ms from it');
  assert.is(cutWaitMs(rule, 40, 1000, 950, 499, 1000), 0, 'the oldest waited 501 ms: cut at once all the same');
});

test('quiet is believed only after the socket had a turn: a message read in that turn keeps the batch open', async () => {
  assert.ok(quietOnly(rule, 40, 1000, 900), 'neither full nor old');
  assert.not.ok(quietOnly(rule, 100, 1000, 900), 'full');
  assert.not.ok(quietOnly(rule, 40, 1000, 499), 'old');
  const s: CutState = { queued: 40, lastArrival: performance.now() - 1000, oldestArrival: performance.now(), stopped: false };
  let reads = 0;
  let arrived = 0;
  await untilCut(rule, () => {
    // The second look sees quiet; the message the socket turn then delivers must keep the batch open.
    if (++reads === 2) setImmediate(() => ((arrived = performance.now()), (s.lastArrival = arrived), s.queued++));
    return { ...s };
  });
  const cutAt = performance.now();
  assert.is(s.queued, 41, 'the message read in the turn is in the batch');
  assert.ok(cutAt - arrived >= rule.quietMs - 0.5, `cut ${(cutAt - arrived).toFixed(1)} ms after it: quiet counted from it`);
  const quiet: CutState = { ...s, lastArrival: performance.now() - 1000 };
  const t0 = performance.now();
  await untilCut(rule, () => ({ ...quiet }));
  assert.ok(performance.now() - t0 < 100, 'a stream that stays quiet is cut after the quiet time and one turn');
});

test.run();
