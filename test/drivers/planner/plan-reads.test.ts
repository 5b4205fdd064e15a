import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { planReads, type ReadLimits, type WantedRange } from '../../../drivers/planner/plan-reads.js';
import { ConfigError } from '../../../drivers/errors.js';

const onHole = (from: number, toEx: number, holes: ReadLimits['holes']) => holes.some((h) => h.from < toEx && from <= h.to);

/** Indivisible units (overlapping wanted ranges), computed independently of the planner. */
function units(wanted: WantedRange[]): { start: number; end: number }[] {
  const covered = new Map<number, number>(); // address -> group id via union of overlaps
  const sorted = [...wanted].sort((a, b) => a.address - b.address);
  const out: { start: number; end: number }[] = [];
  for (const w of sorted) {
    const last = out[out.length - 1];
    if (last && w.address < last.end) last.end = Math.max(last.end, w.address + w.count);
    else out.push({ start: w.address, end: w.address + w.count });
  }
  void covered;
  return out;
}

/** The fewest reads by dynamic programming over every way to cut the units into consecutive groups. */
function optimum(wanted: WantedRange[], l: ReadLimits): number {
  const u = units(wanted);
  const feasible = (i: number, j: number): boolean => {
    if (u[j]!.end - u[i]!.start > l.maxCount) return false;
    for (let k = i + 1; k <= j; k++) {
      const gapFrom = u[k - 1]!.end;
      const gapTo = u[k]!.start;
      if (gapTo - gapFrom > l.maxGap || onHole(gapFrom, gapTo, l.holes)) return false;
    }
    return true;
  };
  const best = Array(u.length + 1).fill(Infinity);
  best[0] = 0;
  for (let j = 1; j <= u.length; j++) for (let i = 0; i < j; i++) if (feasible(i, j - 1)) best[j] = Math.min(best[j], best[i] + 1);
  return best[u.length];
}

const arbCase = fc
  .record({
    wanted: fc.array(fc.record({ address: fc.integer({ min: 0, max: 300 }), count: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 30 }),
    holes: fc.array(fc.integer({ min: 0, max: 300 }).chain((from) => fc.record({ from: fc.constant(from), to: fc.integer({ min: from, max: from + 5 }) })), { maxLength: 4 }),
    maxCount: fc.integer({ min: 4, max: 125 }),
    maxGap: fc.integer({ min: 0, max: 20 }),
    functionCode: fc.constantFrom(3 as const, 4 as const),
  })
  .map((c) => ({ ...c, wanted: c.wanted.filter((w) => !onHole(w.address, w.address + w.count, c.holes)) }))
  .filter((c) => c.wanted.length > 0 && units(c.wanted).every((u) => u.end - u.start <= c.maxCount));

test('property: every wanted range is covered by exactly one read, and within it', () => {
  fc.assert(
    fc.property(arbCase, (c) => {
      const reads = planReads(c.wanted, c);
      const seen = new Array(c.wanted.length).fill(0);
      for (const r of reads) {
        for (const i of r.covers) {
          seen[i]++;
          const w = c.wanted[i]!;
          assert.ok(w.address >= r.address && w.address + w.count <= r.address + r.count, `wanted ${i} outside its read`);
        }
      }
      assert.ok(seen.every((n) => n === 1), `coverage ${seen.join(',')}`);
      // No wanted range is delivered by two reads either (reads are disjoint), checked below.
    }),
    { numRuns: 500 },
  );
});

test('property: limits hold, no hole is read, reads do not overlap, gaps bridged are <= maxGap', () => {
  fc.assert(
    fc.property(arbCase, (c) => {
      const reads = planReads(c.wanted, c);
      let prevEnd = -1;
      for (const r of reads) {
        assert.ok(r.count >= 1 && r.count <= c.maxCount, `count ${r.count} > ${c.maxCount}`);
        assert.ok(r.address + r.count <= 0x10000);
        assert.is(r.functionCode, c.functionCode);
        assert.not.ok(onHole(r.address, r.address + r.count, c.holes), 'read touches a hole');
        assert.ok(r.address >= prevEnd, 'reads overlap or are out of order');
        prevEnd = r.address + r.count;
        // Every register in the read is wanted or part of an unwanted run no longer than maxGap.
        let run = 0;
        for (let a = r.address; a < r.address + r.count; a++) {
          const wantedHere = c.wanted.some((w) => a >= w.address && a < w.address + w.count);
          run = wantedHere ? 0 : run + 1;
          assert.ok(run <= c.maxGap, `unwanted run ${run} > maxGap ${c.maxGap}`);
        }
        const first = c.wanted.some((w) => w.address === r.address);
        assert.ok(first, 'a read starts at an unwanted register');
      }
    }),
    { numRuns: 500 },
  );
});

test('property: the number of reads is the optimum found by exhaustive DP', () => {
  fc.assert(
    fc.property(arbCase, (c) => {
      assert.is(planReads(c.wanted, c).length, optimum(c.wanted, c));
    }),
    { numRuns: 500 },
  );
});

test('ESPHome #5524: three adjacent 125-register ranges are three reads of 125, never a merged 119', () => {
  const wanted = [0, 125, 250].map((address) => ({ address, count: 125 }));
  const reads = planReads(wanted, { functionCode: 3, maxCount: 125, maxGap: 10, holes: [] });
  assert.equal(reads.map((r) => [r.address, r.count]), [[0, 125], [125, 125], [250, 125]]);
});

test('adjacent neighbours merge and small gaps are bridged; a hole in the gap splits', () => {
  const wanted = [{ address: 0, count: 2 }, { address: 2, count: 2 }, { address: 8, count: 2 }];
  assert.equal(planReads(wanted, { functionCode: 4, maxCount: 125, maxGap: 4, holes: [] }).map((r) => [r.address, r.count]), [[0, 10]]);
  assert.equal(planReads(wanted, { functionCode: 4, maxCount: 125, maxGap: 3, holes: [] }).map((r) => [r.address, r.count]), [[0, 4], [8, 2]]);
  assert.equal(planReads(wanted, { functionCode: 4, maxCount: 125, maxGap: 4, holes: [{ from: 5, to: 5 }] }).map((r) => [r.address, r.count]), [[0, 4], [8, 2]]);
});

test('impossible requests are ConfigErrors that say why', () => {
  assert.throws(() => planReads([{ address: 10, count: 2 }], { functionCode: 4, maxCount: 125, maxGap: 0, holes: [{ from: 11, to: 11 }] }), (e: unknown) => e instanceof ConfigError && /hole/.test((e as Error).message));
  assert.throws(() => planReads([{ address: 0, count: 4 }], { functionCode: 4, maxCount: 2, maxGap: 0, holes: [] }), (e: unknown) => e instanceof ConfigError && /maxCount/.test((e as Error).message));
  assert.throws(() => planReads([{ address: 0, count: 1 }], { functionCode: 4, maxCount: 126, maxGap: 0, holes: [] }), (e: unknown) => e instanceof ConfigError && /1\.\.125/.test((e as Error).message));
});

test.run();
