// Prints how much time the bench tool adds to the dwell a plan asks for, on the simulated bench.
// A full Type 5 a.c. plan (16 points x 3 repetitions) runs with short dwell on a real-time-scaled clock:
//   asked  = the dwell the plan asks for (settle, register settle, measuring time), in real seconds
//   actual = wall time of the run
//   overhead = actual - asked; target under 1 % of asked.
// Two transports: instruments in-process (tool logic only) and SCPI over socat pty pairs (with serial I/O).
// Usage: npx tsx bench/bench-plan-overhead.ts [speed]   (speed = bench seconds per real second, default 20)
import { scaledClock } from '../drivers/clock.js';
import { generatePlan } from '../calibration/plan/generate-plan.js';
import { durationForPoint, runPlan } from '../calibration/run/run-plan.js';
import { ResultsStore } from '../calibration/run/results-store.js';
import { simulatedBench } from '../calibration/sim/simulated-bench.js';
import { presetCurve } from '../calibration/sim/dut-error-curves.js';
import { socatPair } from '../calibration/sim/socat-pty.js';
import { serveScpi } from '../calibration/sim/scpi-serial-server.js';
import { SourceCommandHandler } from '../calibration/sim/source-command-handler.js';
import { ReferenceCommandHandler } from '../calibration/sim/reference-command-handler.js';
import { ScpiSource } from '../calibration/instruments/scpi-source.js';
import { ScpiReference } from '../calibration/instruments/scpi-reference.js';
import type { BenchSource, ReferenceStandard } from '../calibration/instruments/instrument-types.js';

const speed = Number(process.argv[2] ?? 20);
const ratings = { unV: 230, inA: 6, imaxA: 32 };
const plan = generatePlan({ ...ratings, supply: 'ac', phases: 1 });
// Short dwell: 1 s settle, 0.5 s register settle, 30 s measuring time (the resolution rule allows it
// for the simulated 0.01 Wh register).
plan.defaults.settleS = 1;
plan.defaults.registerSettleS = 0.5;

function askedBenchSeconds(whPerCount: number): number {
  return plan.points.reduce((a, p) => {
    const reps = p.repetitions ?? plan.defaults.repetitions;
    return a + plan.defaults.settleS + reps * (durationForPoint(plan, p, whPerCount) + 2 * plan.defaults.registerSettleS);
  }, 0);
}

async function measure(kind: 'in-process' | 'pty'): Promise<void> {
  const clock = scaledClock(speed);
  const bench = simulatedBench({ plan, clock, dut: { curve: presetCurve('pass', ratings) } });
  const closers: (() => Promise<void>)[] = [];
  let source: BenchSource = bench.source;
  let reference: ReferenceStandard = bench.referenceInstrument;
  if (kind === 'pty') {
    const sp = await socatPair('source');
    const rp = await socatPair('reference');
    closers.push(sp.close, rp.close);
    const s1 = await serveScpi(sp.server, new SourceCommandHandler(bench.line));
    const s2 = await serveScpi(rp.server, new ReferenceCommandHandler(bench.reference));
    closers.push(s1.close, s2.close);
    const src = await ScpiSource.open({ path: sp.client });
    const ref = await ScpiReference.open({ path: rp.client });
    closers.push(() => src.close(), () => ref.close());
    source = src;
    reference = ref;
  }
  const store = new ResultsStore(':memory:');
  const t0 = performance.now();
  const res = await runPlan({ plan, source, reference, dut: bench.dut, store, clock: bench.clock });
  const wallS = (performance.now() - t0) / 1000;
  const askedS = askedBenchSeconds(res.points[0]!.whPerCount) / speed;
  const overheadS = wallS - askedS;
  const reps = res.points.reduce((a, p) => a + p.n, 0);
  console.log(
    `${kind.padEnd(10)}  points ${res.points.length}  repetitions ${reps}  dwell asked ${askedS.toFixed(2)} s  wall ${wallS.toFixed(2)} s  ` +
      `overhead ${overheadS.toFixed(3)} s = ${((100 * overheadS) / askedS).toFixed(2)} % of dwell  (${((1000 * overheadS) / reps).toFixed(2)} ms per repetition)  verdict ${res.verdict}`,
  );
  const realDwellPerRepS = (askedS * speed) / reps;
  console.log(
    `${''.padEnd(10)}  at real time (x1) the same per-repetition overhead is ${((100 * overheadS) / reps / realDwellPerRepS).toFixed(3)} % of the ${realDwellPerRepS.toFixed(1)} s dwell per repetition`,
  );
  store.close();
  for (const c of closers.reverse()) await c();
}

console.log(`full CoP11 Type 5 a.c. plan, clock x${speed} (bench seconds per real second)`);
await measure('in-process');
await measure('pty');
