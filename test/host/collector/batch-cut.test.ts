import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cutWaitMs } from '../../../host-cli/collector/batch-cut.js';

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

test.run();
