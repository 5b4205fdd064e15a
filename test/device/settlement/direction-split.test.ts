import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { splitAdvance, type SplitState } from '../../../device/settlement/direction-split.js';

test('an advance goes to import while power is positive and to export while it is negative', () => {
  let r = splitAdvance(null, 10n, 500);
  assert.equal([r.importAdvance, r.exportAdvance, r.mixed], [10n, 0n, true]); // no earlier power: estimated
  r = splitAdvance(r.state, 7n, 600);
  assert.equal([r.importAdvance, r.exportAdvance, r.mixed], [7n, 0n, false]);
  r = splitAdvance(r.state, 4n, -200);
  assert.equal([r.importAdvance, r.exportAdvance, r.mixed], [3n, 1n, true]); // 600 W -> -200 W: 3/4 import
  r = splitAdvance(r.state, 9n, -300);
  assert.equal([r.importAdvance, r.exportAdvance, r.mixed], [0n, 9n, false]);
  assert.equal([r.state.import, r.state.export], ['20', '10']);
});

test('property: import + export advances always equal the counter advance, none negative', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 1n << 40n }), fc.option(fc.double({ min: -20000, max: 20000, noNaN: true }))), { maxLength: 60 }),
      (steps) => {
        let s: SplitState | null = null;
        let total = 0n;
        for (const [adv, p] of steps) {
          const r = splitAdvance(s, adv, p);
          assert.ok(r.importAdvance >= 0n && r.exportAdvance >= 0n);
          assert.is(r.importAdvance + r.exportAdvance, adv);
          total += adv;
          s = r.state;
        }
        if (s) assert.is(BigInt(s.import) + BigInt(s.export), total);
      },
    ),
    { numRuns: 300 },
  );
});

test.run();
