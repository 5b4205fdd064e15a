// Integrity of a run: what --resume may continue, where the certificate number comes from, that the
// environment is measured or entered (never made up), phase count, informative points, the reference's
// declared accuracy and a failed OUTP OFF.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generatePlan } from '../../calibration/plan/generate-plan.js';
import { runPlan, type RunOptions } from '../../calibration/run/run-plan.js';
import { ResultsStore } from '../../calibration/run/results-store.js';
import { VirtualClock } from '../../calibration/sim/virtual-clock.js';
import { simulatedBench } from '../../calibration/sim/simulated-bench.js';
import { presetCurve } from '../../calibration/sim/dut-error-curves.js';
import { buildCertificate } from '../../calibration/report/certificate.js';
import type { Plan } from '../../calibration/plan/plan-schema.js';
import type { BenchSource, ReferenceStandard } from '../../calibration/instruments/instrument-types.js';
import { ConfigError, TransportError } from '../../drivers/errors.js';
import type { MeterDriver } from '../../drivers/meter-driver.js';

const ratings = { unV: 230, inA: 6, imaxA: 32 };
const dcPlan = generatePlan({ unV: 400, inA: 6, imaxA: 32, supply: 'dc', phases: 1 });

function bench(plan: Plan, curve = 'pass', extra: Partial<Parameters<typeof simulatedBench>[0]> = {}) {
  const clock = new VirtualClock();
  const b = simulatedBench({ plan, clock, dut: { curve: presetCurve(curve, { ...ratings, unV: plan.device.unV }) }, ...extra });
  return { clock, b };
}

function opts(plan: Plan, store: ResultsStore, over: Partial<RunOptions> = {}, curve = 'pass'): RunOptions {
  const { clock, b } = bench(plan, curve);
  return { plan, source: b.source, reference: b.referenceInstrument, dut: b.dut, store, clock, environment: { temperatureC: 23.1, humidityPct: 40 }, ...over };
}

async function interrupted(plan: Plan, store: ResultsStore): Promise<void> {
  const ac = new AbortController();
  await runPlan({ ...opts(plan, store), signal: ac.signal, onProgress: (e) => e.pointIndex === 2 && e.phase === 'measure' && ac.abort() }).catch(() => {});
}

async function rejects(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

test('--resume with nothing to resume is an error, not a new run', async () => {
  const store = new ResultsStore(':memory:');
  const e = await rejects(runPlan({ ...opts(dcPlan, store), resume: true }));
  assert.instance(e, ConfigError);
  assert.match(e.message, /nothing to resume/);
  assert.is(store.runs().length, 0, 'no run was created');
});

test('--resume refuses another plan and names it', async () => {
  const store = new ResultsStore(':memory:');
  await interrupted(dcPlan, store);
  const other = generatePlan({ unV: 400, inA: 6, imaxA: 32, supply: 'dc', phases: 1, repetitions: 4 });
  const e = await rejects(runPlan({ ...opts(other, store), resume: true }));
  assert.instance(e, ConfigError);
  assert.match(e.message, /plan differs/);
});

test('--resume refuses another device, source or reference and says which differs', async () => {
  const store = new ResultsStore(':memory:');
  await interrupted(dcPlan, store);
  const o = opts(dcPlan, store);
  const dut: MeterDriver = Object.assign(Object.create(o.dut), { identify: async () => ({ vendor: 'amsgate', model: 'sim-meter', serial: 'SIM-0002', firmware: 'sim' }) });
  const e1 = await rejects(runPlan({ ...o, dut, resume: true }));
  assert.match(e1.message, /device differs: .*SIM-0001.*SIM-0002/);
  const source: BenchSource = { ...o.source, identify: async () => 'ACME,SRC,9,1', apply: o.source.apply.bind(o.source), output: o.source.output.bind(o.source), close: async () => {} };
  assert.match((await rejects(runPlan({ ...o, source, resume: true }))).message, /source differs/);
  const ref = o.reference as ReferenceStandard;
  const reference: ReferenceStandard = Object.assign(Object.create(ref), { identify: async () => 'ACME,REF,9,1' });
  assert.match((await rejects(runPlan({ ...o, reference, resume: true }))).message, /reference differs/);
  // the same bench resumes
  const ok = await runPlan({ ...opts(dcPlan, store), resume: true });
  assert.ok(ok.resumed);
});

test('certificate numbers differ between two databases holding the same run', async () => {
  const a = new ResultsStore(':memory:');
  const b = new ResultsStore(':memory:');
  const ra = await runPlan(opts(dcPlan, a));
  const rb = await runPlan(opts(dcPlan, b));
  assert.is(ra.runId, rb.runId);
  const ca = buildCertificate(a, ra.runId, { issuedAt: Date.now() });
  const cb = buildCertificate(b, rb.runId, { issuedAt: Date.now() });
  assert.is.not(ca.certificateId, cb.certificateId);
  assert.match(ca.certificateId, /^AMSG-\d{8}T\d{4}Z-[0-9A-F]{12}$/);
  assert.not.match(ca.certificateId, new RegExp(a.run(ra.runId)!.planHash.slice(0, 8), 'i'));
});

test('a generated plan carries no made-up temperature', () => {
  assert.is((dcPlan.environment as Record<string, unknown>).temperatureC, undefined);
});

test('environment not recorded is printed as such and the run cannot pass', async () => {
  const store = new ResultsStore(':memory:');
  const { clock, b } = bench(dcPlan);
  const reference: ReferenceStandard = Object.assign(Object.create(b.referenceInstrument), { environment: undefined });
  const res = await runPlan({ plan: dcPlan, source: b.source, reference, dut: b.dut, store, clock });
  assert.ok(res.points.every((p) => p.verdict === 'pass'));
  assert.is(res.verdict, 'inconclusive');
  const cert = buildCertificate(store, res.runId, { issuedAt: Date.now() });
  assert.is(cert.environment.temperatureC, null);
  assert.is(cert.environment.withinReference, null);
  assert.is(cert.verdict, 'inconclusive');
});

test('environment outside 23 +- 2 C makes the verdict inconclusive; inside it passes', async () => {
  const s1 = new ResultsStore(':memory:');
  const hot = await runPlan(opts(dcPlan, s1, { environment: { temperatureC: 25.5 } }));
  assert.is(hot.verdict, 'inconclusive');
  const c1 = buildCertificate(s1, hot.runId, { issuedAt: Date.now() });
  assert.is(c1.environment.withinReference, false);
  assert.is(c1.environment.source, 'entered');
  const s2 = new ResultsStore(':memory:');
  const ok = await runPlan(opts(dcPlan, s2, { environment: { temperatureC: 24.9 } }));
  assert.is(ok.verdict, 'pass');
  // a plan may set its own reference conditions
  const warm = { ...dcPlan, environment: { ...dcPlan.environment, referenceTemperatureC: 27, toleranceC: 3 } };
  const s3 = new ResultsStore(':memory:');
  assert.is((await runPlan(opts(warm, s3, { environment: { temperatureC: 25.5 } }))).verdict, 'pass');
});

test('the simulated reference reports the environment as an instrument', async () => {
  const store = new ResultsStore(':memory:');
  const res = await runPlan(opts(dcPlan, store, { environment: undefined }));
  const cert = buildCertificate(store, res.runId, { issuedAt: Date.now() });
  assert.is(cert.environment.source, 'instrument');
  assert.is(typeof cert.environment.temperatureC, 'number');
});

test('a simulated run says so in the certificate', async () => {
  const store = new ResultsStore(':memory:');
  const res = await runPlan(opts(dcPlan, store, { simulated: true }));
  assert.is(buildCertificate(store, res.runId, { issuedAt: Date.now() }).simulated, true);
  const s2 = new ResultsStore(':memory:');
  const r2 = await runPlan(opts(dcPlan, s2));
  assert.is(buildCertificate(s2, r2.runId, { issuedAt: Date.now() }).simulated, false);
});

test('a DUT with another phase count is refused before any energy flows', async () => {
  const store = new ResultsStore(':memory:');
  const o = opts(dcPlan, store);
  let switchedOn = false;
  const source: BenchSource = { identify: o.source.identify.bind(o.source), apply: o.source.apply.bind(o.source), close: async () => {}, output: async (on) => { if (on) switchedOn = true; } };
  const e = await rejects(runPlan({ ...o, source, dutPhases: 3 }));
  assert.instance(e, ConfigError);
  assert.match(e.message, /3-phase .* 1-phase plan/);
  assert.not.ok(switchedOn);
  assert.is(store.runs().length, 0);
});

test('informative points never decide the verdict', async () => {
  const plan = structuredClone(dcPlan);
  for (const p of plan.points) if (p.currentA === 6) p.informative = true;
  const store = new ResultsStore(':memory:');
  const res = await runPlan(opts(plan, store, {}, 'fail-low-current'));
  assert.ok(res.points.some((p) => p.verdict === 'fail'));
  assert.is(res.verdict, 'pass');
  const cert = buildCertificate(store, res.runId, { issuedAt: Date.now() });
  assert.is(cert.verdict, 'pass');
  assert.ok(cert.points.filter((p) => p.informative).every((p) => p.currentA === 6));
});

test("the reference's declared accuracy is queried and the certificate says which value was used", async () => {
  const store = new ResultsStore(':memory:');
  const { clock, b } = bench(dcPlan, 'pass', { referenceAccuracyPct: 0.02 });
  const res = await runPlan({ plan: dcPlan, source: b.source, reference: b.referenceInstrument, dut: b.dut, store, clock, environment: { temperatureC: 23 } });
  const cert = buildCertificate(store, res.runId, { issuedAt: Date.now() });
  assert.is(cert.instruments.referenceAccuracyPct, 0.02);
  assert.is(cert.instruments.referenceAccuracySource, 'instrument');
  assert.is(res.points[0]!.referencePct, 0.02 / Math.sqrt(3));
  const withCert = { ...dcPlan, reference: { accuracyPct: 0.05, certificateUncertaintyPct: 0.03 } };
  const s2 = new ResultsStore(':memory:');
  const r2 = await runPlan(opts(withCert, s2));
  const c2 = buildCertificate(s2, r2.runId, { issuedAt: Date.now() });
  assert.is(c2.instruments.referenceAccuracySource, 'certificate');
  assert.is(r2.points[0]!.referencePct, 0.03 / 2);
});

test('the coverage factor comes from the effective degrees of freedom', async () => {
  const store = new ResultsStore(':memory:');
  const res = await runPlan(opts(dcPlan, store));
  for (const p of res.points) {
    assert.ok(p.k > 2 && p.k < 14, `k ${p.k}`);
    assert.is(p.expandedPct, p.k * Math.sqrt(p.typeAPct ** 2 + p.referencePct ** 2 + p.resolutionPct ** 2));
  }
  const cert = buildCertificate(store, res.runId, { issuedAt: Date.now() });
  assert.ok(cert.points.every((p) => p.uncertainty.k === res.points.find((r) => r.pointId === p.id)!.k));
});

test('a failed OUTP OFF is never swallowed: the output may be live, exit 3', async () => {
  const store = new ResultsStore(':memory:');
  const o = opts(dcPlan, store);
  let calls = 0;
  const source: BenchSource = {
    identify: o.source.identify.bind(o.source),
    apply: o.source.apply.bind(o.source),
    close: async () => {},
    output: async (on) => {
      calls++;
      if (!on && calls > 3) throw new TransportError('serial-write', 'source: port gone');
      await o.source.output(on);
    },
  };
  const e = await rejects(runPlan({ ...o, source }));
  assert.instance(e, TransportError);
  assert.match(e.message, /OUTPUT MAY STILL BE LIVE/);
});

test('an error during a point with a failed OUTP OFF reports both', async () => {
  const store = new ResultsStore(':memory:');
  const o = opts(dcPlan, store);
  let broken = false;
  const reference: ReferenceStandard = Object.assign(Object.create(o.reference), {
    reset: async () => {
      broken = true; // the cable carrying both instruments came out
      throw new TransportError('instrument-timeout', 'reference: no reply');
    },
  });
  const source: BenchSource = {
    identify: o.source.identify.bind(o.source),
    apply: o.source.apply.bind(o.source),
    close: async () => {},
    output: async (on) => {
      if (!on && broken) throw new TransportError('serial-write', 'source: port gone');
      await o.source.output(on);
    },
  };
  const e = await rejects(runPlan({ ...o, source, reference }));
  assert.instance(e, TransportError);
  assert.match(e.message, /OUTPUT MAY STILL BE LIVE/);
  assert.match(e.message, /reference: no reply/);
});

test.run();
