// Settlement engine throughput: 200 000 readings 10 s apart (about 23 days) through extendCounter + applyReading +
// closeDue for one PT30M channel with full CT/VT compensation (ratios, ratio errors and phase displacements, loss
// and calibration multipliers) and a power factor that changes with every reading, so the transformer correction
// is recomputed each time. The register is a 24-bit wrapping counter of BL0942 pulses (an awkward exact Wh per
// count), so wraps and non-decimal rationals are part of the run. Prints readings/s (median of RUNS runs), the
// serialized (JSON) size of the engine and counter state, and the size of C's denominator.
// Usage: npx tsx bench/settlement.ts        (READINGS=200000 RUNS=3 to change)
import { performance } from 'node:perf_hooks';
import { parseDecimal, rational } from '../drivers/rational.js';
import type { CompensationSettings } from '../device/compensation/compensation.js';
import { extendCounter, type CounterState } from '../device/settlement/counter-extension.js';
import { applyReading, closeDue, initialChannelState, type ChannelState, type EngineConfig } from '../device/settlement/channel-engine.js';

const READINGS = Number(process.env.READINGS ?? 200_000);
const RUNS = Number(process.env.RUNS ?? 3);
const STEP_MS = 10_000;
const START = Date.UTC(2026, 9, 20, 0, 0, 0); // spans the 2026-10-25 clock change (a 50-period day)
const BITS = 24;
// BL0942 energy pulse: 1000 / 3304.61127328 Wh per count (exact rational).
const WH_PER_COUNT = rational(parseDecimal('1000').num * parseDecimal('3304.61127328').den, parseDecimal('3304.61127328').num);

const compensation: CompensationSettings = {
  ctRatio: '40', // 200/5 A
  vtRatio: '1.0', // direct-connected voltage, written as a decimal anyway
  ctRatioErrorPct: -0.2,
  ctPhaseMinutes: 10,
  vtRatioErrorPct: 0.1,
  vtPhaseMinutes: 5,
  lossMultiplier: '1.02',
  pulseMultiplier: '1',
  calibrationFactor: '0.9987',
};

const cfg: EngineConfig = {
  resolution: 'PT30M',
  compensation,
  limits: { nominalVoltageV: 230, maxCurrentA: 100 },
  closeAfterMs: 60_000,
  maxGapMs: 300_000,
};

/** Deterministic readings: power swings between 0.3 and 7.7 kW, PF between 0.80 and 1.00 lagging. */
function makeReadings(n: number): { atMs: number; raw: bigint; pf: number }[] {
  const out: { atMs: number; raw: bigint; pf: number }[] = [];
  let energyCounts = 16_000_000; // near the 24-bit wrap (16 777 216), so the counter wraps early on
  for (let i = 0; i < n; i++) {
    const atMs = START + i * STEP_MS;
    const powerW = 4000 + 3700 * Math.sin(i / 997);
    const pf = 0.9 + 0.1 * Math.sin(i / 131);
    energyCounts += (powerW * STEP_MS) / 3_600_000 / (1000 / 3304.61127328);
    out.push({ atMs, raw: BigInt(Math.floor(energyCounts)) % (1n << BigInt(BITS)), pf });
  }
  return out;
}

interface RunResult {
  ms: number;
  intervals: number;
  wraps: number;
  stateBytes: number;
  maxStateBytes: number;
  denominatorDigits: number;
}

function runOnce(readings: { atMs: number; raw: bigint; pf: number }[]): RunResult {
  let counter: CounterState | null = null;
  let state: ChannelState = initialChannelState();
  let intervals = 0;
  let wraps = 0;
  let maxStateBytes = 0;
  const t0 = performance.now();
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i]!;
    const ext = extendCounter(counter, r.raw, BITS, { maxPlausibleAdvance: 1_000_000n });
    counter = ext.state;
    if (ext.event === 'wrap') wraps++;
    const a = applyReading(state, {
      atMs: r.atMs, extended: ext.extended, whPerCount: WH_PER_COUNT, pf: r.pf, voltageV: 230, frequencyHz: 50, currentA: 20,
      alarmActive: false, event: ext.event,
    }, cfg);
    const c = closeDue(a.state, r.atMs, cfg);
    state = c.state;
    intervals += a.closed.length + c.closed.length;
    // Sample the persisted size now and then (stringifying every reading would measure JSON, not the engine).
    if (i % 5000 === 0) maxStateBytes = Math.max(maxStateBytes, JSON.stringify(state).length + JSON.stringify(counter).length);
  }
  const ms = performance.now() - t0;
  const stateBytes = JSON.stringify(state).length + JSON.stringify(counter).length;
  const c = state.last!.c;
  const den = c.includes('/') ? c.split('/')[1]! : '1';
  return { ms, intervals, wraps, stateBytes, maxStateBytes: Math.max(maxStateBytes, stateBytes), denominatorDigits: den.length };
}

const readings = makeReadings(READINGS);
const results: RunResult[] = [];
for (let k = 0; k < RUNS; k++) results.push(runOnce(readings));
const rates = results.map((r) => READINGS / (r.ms / 1000)).sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)]!;
const r0 = results[0]!;
const fmt = (x: number): string => Math.round(x).toLocaleString('en-GB');

process.stdout.write(
  `settlement engine: ${fmt(READINGS)} readings at ${STEP_MS / 1000} s (${(READINGS * STEP_MS / 86_400_000).toFixed(1)} days), PT30M, ` +
    `CT 40 (-0.2 %, +10'), VT (+0.1 %, +5'), losses 1.02, calibration 0.9987, PF 0.80-1.00, 24-bit BL0942 counter\n` +
    `  throughput (extendCounter + applyReading + closeDue): median ${fmt(median)} readings/s over ${RUNS} runs ` +
    `(min ${fmt(rates[0]!)}, max ${fmt(rates[rates.length - 1]!)}); ${(1e6 / median).toFixed(1)} us per reading\n` +
    `  intervals closed: ${r0.intervals}; counter wraps: ${r0.wraps}\n` +
    `  serialized state (channel engine + counter, JSON): ${r0.stateBytes} bytes at the end, at most ${r0.maxStateBytes} bytes sampled\n` +
    `  C (compensated Wh since the first reading) denominator: ${r0.denominatorDigits} digits\n` +
    `  load average: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')} (${(await import('node:os')).cpus().length} cores)\n`,
);
