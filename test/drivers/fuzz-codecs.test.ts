// A short run of the codec fuzz harness (bench/fuzz-codecs.ts runs a million inputs per decoder).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { performance } from 'node:perf_hooks';
import { allTargets, mutate, nthInput, rng, runFuzz, uartTargets, watched, type FuzzResult, type FuzzTarget } from '../../bench/fuzz-codecs.js';

/**
 * What stays of the harness's slow inputs when they are timed again later: the harness already takes the best of
 * eight timings, but those come within a few milliseconds of each other, and a loaded 2-core CI machine can stall
 * the process for longer. Each reported input is rebuilt from the seed and timed ten times more, spread over
 * ~0.2 s after all decoders ran. A decoder that is really slow on an input is slow every time, so it still fails.
 */
async function slowOnRecheck(results: FuzzResult[], targets: FuzzTarget[], seed: number, slowMs: number) {
  const still: { name: string; input: string; ms: number; recheckMs: number }[] = [];
  for (const r of results) {
    const t = targets.find((x) => x.name === r.name)!;
    for (const s of r.slow) {
      const input = nthInput(t, seed, s.index);
      let best = Infinity;
      for (let k = 0; k < 10; k++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const t0 = performance.now();
        try {
          t.decode(input);
        } catch {
          // outcomes are the harness's business; only the time counts here
        }
        best = Math.min(best, performance.now() - t0);
      }
      if (best > slowMs) still.push({ name: r.name, input: s.input, ms: s.ms, recheckMs: best });
    }
  }
  return still;
}

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
  const seed = 20261122;
  const results = runFuzz({ inputsPerTarget: 20_000, seed, slowMs: 50, targets });
  // An input counts as slow only if it is slow again when timed later (see slowOnRecheck).
  assert.equal(await slowOnRecheck(results, targets, seed, 50), [], 'inputs slower than 50 ms, also when timed again');
  for (const r of results) {
    assert.is(r.inputs, 20_000);
    assert.is(r.crashCount, 0, `${r.name} crashed: ${JSON.stringify(r.crashes)}`);
    assert.ok((r.outcomes.ok ?? 0) > 0, `${r.name}: no input accepted, mutations too shallow`);
    if (r.name !== 'cse7766 stream parser') assert.ok((r.outcomes.FrameError ?? 0) > 0, `${r.name}: nothing rejected`);
  }
});

test('an input that is really slow is still reported after the recheck', async () => {
  const busy = (ms: number) => {
    const end = performance.now() + ms;
    while (performance.now() < end);
  };
  const targets: FuzzTarget[] = [
    {
      name: 'slow on one input',
      seeds: [Uint8Array.of(0xee, 1, 2, 3), Uint8Array.of(1, 2, 3)],
      decode: (b) => {
        if (b.length === 4 && b[0] === 0xee && b[3] === 3) busy(60);
      },
    },
  ];
  const results = runFuzz({ inputsPerTarget: 20, seed: 5, slowMs: 50, targets });
  assert.is(results[0]!.slow[0]?.index, 0);
  const still = await slowOnRecheck(results, targets, 5, 50);
  assert.is(still.length, results[0]!.slow.length);
  assert.ok(still[0]!.recheckMs >= 50, `${still[0]!.recheckMs} ms`);
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
