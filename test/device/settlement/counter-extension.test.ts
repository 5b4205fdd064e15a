import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extendCounter, type CounterState } from '../../../device/settlement/counter-extension.js';

function feed(raws: bigint[], bits: number | null, opts = {}): { ext: bigint[]; adv: bigint[]; ev: string[]; state: CounterState } {
  let st: CounterState | null = null;
  const ext: bigint[] = [];
  const adv: bigint[] = [];
  const ev: string[] = [];
  for (const raw of raws) {
    const r = extendCounter(st, raw, bits, opts);
    st = r.state;
    ext.push(r.extended);
    adv.push(r.advance);
    ev.push(r.event);
    assert.is(BigInt(r.state.extended), BigInt(r.state.lastRaw) + BigInt(r.state.offset), 'extended = lastRaw + offset');
  }
  return { ext, adv, ev, state: st! };
}

test('first read anchors, advances add', () => {
  const r = feed([100n, 150n, 150n, 400n], null);
  assert.equal(r.ext, [100n, 150n, 150n, 400n]);
  assert.equal(r.adv, [0n, 50n, 0n, 250n]);
  assert.equal(r.ev, ['first', 'none', 'none', 'none']);
});

test('a 24-bit counter wraps: 2^24 is added', () => {
  const top = (1n << 24n) - 10n;
  const r = feed([top, 5n, 30n], 24);
  assert.equal(r.adv, [0n, 15n, 25n]);
  assert.equal(r.ev, ['first', 'wrap', 'none']);
  assert.is(r.ext[2], top + 40n);
  assert.is(r.state.offset, (1n << 24n).toString());
});

test('a 16-bit counter wraps twice; JSON state round-trips', () => {
  let st: CounterState | null = null;
  let total = 0n;
  for (const raw of [65000n, 100n, 65500n, 20n]) {
    const r = extendCounter(st === null ? null : JSON.parse(JSON.stringify(st)), raw, 16);
    st = r.state;
    total += r.advance;
  }
  assert.is(total, 100n + 65536n - 65000n + 65400n + 20n + 65536n - 65500n);
  assert.is(BigInt(st!.extended), 65000n + total);
});

test('wrap vs reset on a wrapping counter is decided by maxPlausibleAdvance', () => {
  // from 1000 down to 3: as a wrap that is 2^16 - 997 counts, implausible in 10 s -> reset, counting from 0
  const r = feed([1000n, 3n], 16, { maxPlausibleAdvance: 500n });
  assert.equal(r.ev, ['first', 'reset']);
  assert.equal(r.adv, [0n, 3n]);
  assert.is(r.ext[1], 1003n);
  assert.is(r.state.resets, 1);
  // without a limit the same drop is a wrap
  assert.equal(feed([1000n, 3n], 16).ev, ['first', 'wrap']);
});

test('meter replaced on a non-wrapping register: extended continues, no energy invented', () => {
  const r = feed([5_000_000n, 5_000_100n, 40n, 90n], null);
  assert.equal(r.ev, ['first', 'none', 'reset', 'none']);
  assert.equal(r.adv, [0n, 100n, 40n, 50n]);
  assert.equal(r.ext, [5_000_000n, 5_000_100n, 5_000_140n, 5_000_190n]);
  // a replacement meter that already holds more than could have been counted: re-baselined, advance 0
  const s = feed([5_000_000n, 3_000_000n, 3_000_010n], null, { maxPlausibleAdvance: 1000n });
  assert.equal(s.ev, ['first', 'reset', 'none']);
  assert.equal(s.adv, [0n, 0n, 10n]);
  assert.equal(s.ext, [5_000_000n, 5_000_000n, 5_000_010n]);
});

test('small backwards step is a held decrease: no negative advance, no double counting', () => {
  const r = feed([1_000_000n, 999_990n, 999_995n, 1_000_004n], null);
  assert.equal(r.ev, ['first', 'decrease', 'decrease', 'none']);
  assert.equal(r.adv, [0n, 0n, 0n, 4n]);
  assert.equal(r.ext, [1_000_000n, 1_000_000n, 1_000_000n, 1_000_004n]);
});

test('a forward step too large for the elapsed time is energy: every count kept, reported implausible-advance', () => {
  // A register only moves forward by counting (a loaded CPU or a late poll makes the elapsed time look short).
  const r = feed([100n, 900_000n, 900_010n], null, { maxPlausibleAdvance: 1000n });
  assert.equal(r.ev, ['first', 'implausible-advance', 'none']);
  assert.equal(r.adv, [0n, 899_900n, 10n]);
  assert.equal(r.state.resets, 0);
  // the same on a wrapping counter that did not wrap
  const w = feed([100n, 60_000n], 16, { maxPlausibleAdvance: 1000n });
  assert.equal([w.ev, w.adv], [['first', 'implausible-advance'], [0n, 59_900n]]);
  // a zero or negative limit (clock behind the store) still never turns a forward step into a reset
  const z = feed([100n, 150n], null, { maxPlausibleAdvance: 0n });
  assert.equal([z.ev, z.adv], [['first', 'implausible-advance'], [0n, 50n]]);
});

test('bad raw values are named', () => {
  assert.throws(() => extendCounter(null, -1n, null), /non-negative/);
  assert.throws(() => extendCounter(null, 1n << 24n, 24), /24-bit/);
});

test.run();
