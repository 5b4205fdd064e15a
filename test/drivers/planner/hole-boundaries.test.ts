// Hole boundaries, exactly: a hole's first and last address are never read, the addresses just outside are.
// Random holes (one address wide included) with wanted registers placed on and right next to each edge; the
// oracle checks address by address, not with the planner's interval formula. These properties kill an off-by-one
// (`<=` to `<`) in the planner, the model validator and the simulator's readable map (checked by hand, see
// docs/meter-models.md).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ConfigError } from '../../../drivers/errors.js';
import { planReads } from '../../../drivers/planner/plan-reads.js';
import { meterModel } from '../../../drivers/models/meter-models.js';
import { validateModel, type MeterModel } from '../../../drivers/models/model-schema.js';
import { readableAddresses } from '../../../drivers/models/simulated-bank.js';

const inHole = (a: number, h: { from: number; to: number }) => a >= h.from && a <= h.to;
const readsAny = (address: number, count: number, h: { from: number; to: number }) =>
  Array.from({ length: count }, (_, k) => address + k).some((a) => inHole(a, h));

const edge = fc.record({
  from: fc.integer({ min: 10, max: 400 }),
  width: fc.integer({ min: 0, max: 4 }),
  wLeft: fc.integer({ min: 1, max: 4 }),
  wRight: fc.integer({ min: 1, max: 4 }),
  maxGap: fc.integer({ min: 10, max: 125 }),
});

test('property: registers right next to a hole are read (around it, never through it)', () => {
  fc.assert(
    fc.property(edge, ({ from, width, wLeft, wRight, maxGap }) => {
      const h = { from, to: from + width };
      const wanted = [{ address: h.from - wLeft, count: wLeft }, { address: h.to + 1, count: wRight }];
      const reads = planReads(wanted, { functionCode: 4, maxCount: 125, maxGap, holes: [h] });
      assert.is(reads.length, 2, 'the hole splits the read even though the gap is within maxGap');
      for (const r of reads) assert.not.ok(readsAny(r.address, r.count, h), `read ${r.address}+${r.count} touches ${h.from}..${h.to}`);
    }),
    { numRuns: 300 },
  );
});

test('property: a register on a hole\'s first or last address can never be planned', () => {
  fc.assert(
    fc.property(edge, ({ from, width, wLeft, wRight }) => {
      const h = { from, to: from + width };
      for (const w of [{ address: h.to, count: wRight }, { address: h.from - wLeft + 1, count: wLeft }]) {
        assert.ok(readsAny(w.address, w.count, h));
        assert.throws(() => planReads([w], { functionCode: 4, maxCount: 125, maxGap: 0, holes: [h] }), (e: unknown) => e instanceof ConfigError);
      }
    }),
    { numRuns: 300 },
  );
});

const withHole = (h: { from: number; to: number }): MeterModel => ({ ...structuredClone(meterModel('sdm120')), id: 'holed', holes: [h] });

test('validator and simulator: a hole ending on a register\'s first word, or starting on its last, is refused; one next to it is not', () => {
  // SDM120 current_l1 occupies 6..7, voltage_l1 0..1, power_l1 12..13.
  for (const h of [{ from: 5, to: 6 }, { from: 6, to: 6 }, { from: 7, to: 9 }, { from: 7, to: 7 }]) {
    assert.throws(() => validateModel(withHole(h)), /current_l1\)\.address: registers 6\.\.7 overlap holes\[0\]/, JSON.stringify(h));
  }
  for (const h of [{ from: 2, to: 5 }, { from: 8, to: 11 }, { from: 5, to: 5 }, { from: 8, to: 8 }]) {
    const m = validateModel(withHole(h));
    const readable = readableAddresses(m);
    for (let a = h.from; a <= h.to; a++) assert.not.ok(readable.has(a), `hole address ${a} of ${JSON.stringify(h)} is readable`);
    for (const a of [6, 7]) assert.ok(readable.has(a), `register address ${a}`);
  }
});

test.run();
