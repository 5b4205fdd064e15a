// Counter extension against the truth: a hidden counter advances by known amounts, wraps at 2^bits and is
// sometimes cleared; the extended count must account for every true advance, never go back, and survive JSON.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extendCounter, type CounterState } from '../../../device/settlement/counter-extension.js';

test('wrapping counters: every true advance is counted, wraps are detected, resets count from zero', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(16, 24),
      fc.bigInt(0n, (1n << 16n) - 1n),
      fc.array(fc.record({ adv: fc.bigInt(0n, 4000n), clear: fc.oneof({ weight: 20, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) }), { maxLength: 200 }),
      (bits, start, steps) => {
        const mod = 1n << BigInt(bits);
        const limit = 4000n;
        let raw = start % mod;
        let st: CounterState | null = null;
        let truth = 0n;
        const first = extendCounter(null, raw, bits, { maxPlausibleAdvance: limit });
        st = first.state;
        let ext = first.extended;
        for (const s of steps) {
          const old = raw;
          const cleared = s.clear && old > 0n;
          // cleared: the chip restarted from zero and counted a little (less than before the clear)
          raw = cleared ? s.adv % old : (old + s.adv) % mod;
          const r = extendCounter(JSON.parse(JSON.stringify(st)), raw, bits, { maxPlausibleAdvance: limit });
          assert.ok(r.advance >= 0n);
          assert.ok(r.extended >= ext, 'never goes back');
          assert.is(r.extended - ext, r.advance);
          assert.is(BigInt(r.state.extended), BigInt(r.state.lastRaw) + BigInt(r.state.offset));
          if (!cleared) {
            assert.is(r.advance, s.adv, 'true advance counted exactly');
            assert.is(r.event, raw < old ? 'wrap' : 'none');
          } else if (raw >= old) {
            assert.is(r.event, 'none'); // cannot happen: raw < old by construction
          } else if (mod - old + raw <= limit) {
            // indistinguishable from a wrap: the plausible reading wins
            assert.equal([r.event, r.advance], ['wrap', mod - old + raw]);
          } else {
            assert.equal([r.event, r.advance], ['reset', raw <= limit ? raw : 0n], 'a reset counts the new register from zero');
          }
          truth += r.advance;
          st = r.state;
          ext = r.extended;
        }
        assert.is(ext - first.extended, truth);
      },
    ),
    { numRuns: 300 },
  );
});

test('non-wrapping registers: extended is monotone and advance is never negative whatever the raw values', () => {
  fc.assert(
    fc.property(fc.array(fc.bigInt(0n, 10_000_000n), { minLength: 1, maxLength: 100 }), fc.option(fc.bigInt(1n, 100_000n), { nil: undefined }), (raws, limit) => {
      let st: CounterState | null = null;
      let ext = -1n;
      for (const raw of raws) {
        const r = extendCounter(st, raw, null, limit === undefined ? {} : { maxPlausibleAdvance: limit });
        assert.ok(r.advance >= 0n);
        assert.ok(r.extended >= ext);
        if (st !== null) assert.is(r.extended - ext, r.advance);
        // Every forward step is counted in full, whatever the limit says; only a backward step is not energy.
        if (st !== null && raw >= BigInt(st.lastRaw)) assert.is(r.advance, raw - BigInt(st.lastRaw), 'a forward step is counted');
        if (limit !== undefined && r.advance > limit) assert.is(r.event, 'implausible-advance');
        st = r.state;
        ext = r.extended;
      }
    }),
    { numRuns: 300 },
  );
});

test.run();
