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

test.run();
