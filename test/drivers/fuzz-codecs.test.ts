// A short run of the codec fuzz harness (bench/fuzz-codecs.ts runs a million inputs per decoder).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { allTargets, mutate, rng, runFuzz, uartTargets, watched } from '../../bench/fuzz-codecs.js';

test('mutations are reproducible from the seed and vary', () => {
  const t = uartTargets()[0]!;
  const a = rng(7);
  const b = rng(7);
  const xs = Array.from({ length: 50 }, () => Buffer.from(mutate(t, a)).toString('hex'));
  const ys = Array.from({ length: 50 }, () => Buffer.from(mutate(t, b)).toString('hex'));
  assert.equal(xs, ys);
  assert.ok(new Set(xs).size > 40);
});

test('every decoder survives 20k random/mutated inputs with only AmsgateErrors, none slow', async () => {
  const { targets, missing } = await allTargets();
  if (missing.length) console.log(`  (modbus decoders not found: ${missing.join(', ')})`);
  assert.ok(targets.length >= 7);
  // 50 ms: a pause of the test machine is not a hang; a quadratic parser on 600 bytes would still show.
  const results = runFuzz({ inputsPerTarget: 20_000, seed: 20261122, slowMs: 50, targets });
  for (const r of results) {
    assert.is(r.inputs, 20_000);
    assert.is(r.crashCount, 0, `${r.name} crashed: ${JSON.stringify(r.crashes)}`);
    assert.equal(r.slow, [], `${r.name} slow inputs`);
    assert.ok((r.outcomes.ok ?? 0) > 0, `${r.name}: no input accepted, mutations too shallow`);
    if (r.name !== 'cse7766 stream parser') assert.ok((r.outcomes.FrameError ?? 0) > 0, `${r.name}: nothing rejected`);
  }
});

test('the harness reports a decoder that throws a plain TypeError as a crash', () => {
  const [r] = runFuzz({
    inputsPerTarget: 200,
    targets: [
      {
        name: 'broken',
        seeds: [Uint8Array.of(1, 2, 3)],
        decode: (b) => {
          if (b.length > 3) throw new TypeError('boom');
        },
      },
    ],
  });
  assert.ok(r!.crashCount > 0);
  assert.match(r!.crashes[0]!.error, /TypeError: boom/);
});

test('the watchdog stops a worker whose decoder loops forever and names the input', async () => {
  const r = await watched('selftest: hang', 1000, 1, 300);
  assert.ok('hang' in r, 'hang reported');
  assert.match((r as { hang: string }).hang, /did not finish within 300 ms: [0-9a-f]{22,}/);
});

test.run();
