// The per-channel interval engine: turns a time-ordered stream of extended register readings into closed
// settlement intervals. Compensated cumulative energy C(t) is exact (Rational) at every reading and linear between
// readings; an interval's energy is floor(C(end)) - floor(C(start)), so a channel's intervals telescope and always
// sum to floor(C_last) - floor(C_first) exactly. docs/settlement.md explains quality, coverage, flags, revisions.
import { ConfigError, FrameError } from '../../drivers/errors.js';
import { add, floor, mul, rational, sub, type Rational } from '../../drivers/rational.js';
import { compensationFactor, type CompensationSettings } from '../compensation/compensation.js';
import type { IntervalFlag } from '../records/record-types.js';
import type { CounterEvent } from './counter-extension.js';
import { DEFAULT_TZ, periodAt, type PeriodInfo, type Resolution } from './periods.js';
import { rationalFromText, rationalToText } from './rational-text.js';

export interface ChannelReading {
  atMs: number;
  /** Extended (monotone) register count, from extendCounter. */
  extended: bigint;
  whPerCount: Rational;
  /** Measured power factor, signed (negative = leading), or null when unknown. */
  pf: number | null;
  voltageV: number | null;
  frequencyHz: number | null;
  currentA: number | null;
  alarmActive: boolean;
  /** What extendCounter reported for this read. */
  event: CounterEvent;
  /** The gateway clock was not synchronised when this reading was taken. */
  clockUnsynchronised?: boolean;
  /** The advance ending at this reading was split between import and export by estimate (direction-split.ts). */
  directionEstimated?: boolean;
  /** Flags for every period the step from the previous reading to this one touches (e.g. readings held back). */
  stepFlags?: IntervalFlag[];
}

/** Flags: V outside 90-110 % of nominal, f outside 49-51 Hz, I above Imax (CoP11 Type 5 tables 4/5). */
export interface ChannelLimits {
  nominalVoltageV: number;
  maxCurrentA: number;
}

export interface EngineConfig {
  resolution: Resolution;
  compensation: CompensationSettings;
  limits: ChannelLimits;
  /** Time zone of the settlement day; default Europe/London. */
  tz?: string;
  /** A period with no reading at or after its end is closed provisionally once now >= end + closeAfterMs. */
  closeAfterMs: number;
  /** Two consecutive readings further apart than this leave a gap between them (not covered). Default 15 min. */
  maxGapMs?: number;
  /**
   * closeDue issues at most this many empty periods per call (default 5000) so that a clock jump cannot flood the
   * outbox in one go; the next call continues where this one stopped.
   */
  maxEmptyPerClose?: number;
}

export const DEFAULT_MAX_GAP_MS = 15 * 60_000;
export const DEFAULT_MAX_EMPTY_PER_CLOSE = 5000;

/** The earliest period not yet final (it contains the last reading). Rationals as "num/den" strings. */
export interface OpenPeriodState {
  startMs: number;
  endMs: number;
  /** C at the period start (final: interpolated between readings, or C at the first reading). */
  startC: string;
  /** Extended counts at the period start, interpolated, as a rational. */
  startCounts: string;
  /** Milliseconds of the period covered by readings no further apart than maxGapMs. */
  coveredMs: number;
  /** Reading and event flags seen so far (not 'gap' / 'late-data', which are derived at close). */
  flags: IntervalFlag[];
  /** Last issued revision of this period and the content it had, or null when not yet issued. */
  issued: { revision: number; key: string } | null;
}

export interface ChannelState {
  v: 1;
  /** Set by the first reading; a state cannot be continued with another resolution. */
  resolution: Resolution | null;
  /** Last accepted reading: time, C (compensated Wh since the first reading) and extended count. */
  last: { atMs: number; c: string; counts: string } | null;
  open: OpenPeriodState | null;
  /**
   * Periods from open.endMs up to this time were issued (revision 0) as empty estimated intervals by closeDue;
   * null when none are. Kept as a bound rather than a list so a long outage costs constant state.
   */
  emptyIssuedThroughMs: number | null;
  /** whPerCount of the last reading ("num/den"); closeDue reports it on intervals it closes without a reading. */
  whPerCount: string | null;
  /** Flags closeDue gave the empty periods it issued (e.g. alarm-active), so a later reading compares like with like. */
  emptyFlags?: IntervalFlag[];
  /**
   * Added to reading counts after the engine had to re-anchor because extended counts went backwards (decimal
   * string; absent means 0). Register values in intervals are in this shifted, monotone count space.
   */
  countsOffset?: string;
}

export interface ClosedInterval {
  period: PeriodInfo;
  /** Compensated primary energy, integer Wh, >= 0. */
  energyWh: bigint;
  /** floor(registerEnd) - floor(registerStart): uncompensated meter counts. */
  rawCounts: bigint;
  /** Extended register (counts) at period start and end, interpolated where apportioned. */
  registerStart: Rational;
  registerEnd: Rational;
  whPerCount: Rational;
  quality: 'actual' | 'estimated';
  /** Fraction of the period covered by readings, parts per thousand, rounded down. */
  coveragePermille: number;
  flags: IntervalFlag[];
  /** 0 on first issue, +1 on each re-issue. */
  revision: number;
}

export interface ApplyResult {
  state: ChannelState;
  closed: ClosedInterval[];
  /** Set when the reading was not used: 'not-after-last' = its time is not after the last accepted reading. */
  ignored?: 'not-after-last';
}

// Canonical flag order, so that equal flag sets compare equal as text.
const FLAG_ORDER: readonly IntervalFlag[] = [
  'voltage-out-of-range',
  'frequency-out-of-range',
  'overcurrent',
  'alarm-active',
  'gap',
  'counter-wrap',
  'meter-reset',
  'clock-unsynchronised',
  'late-data',
  'direction-estimated',
  'implausible-advance',
];

function mergeFlags(a: readonly IntervalFlag[], b: readonly IntervalFlag[]): IntervalFlag[] {
  const set = new Set<IntervalFlag>([...a, ...b]);
  return FLAG_ORDER.filter((f) => set.has(f));
}

export function initialChannelState(): ChannelState {
  return { v: 1, resolution: null, last: null, open: null, emptyIssuedThroughMs: null, whPerCount: null };
}

/** Compensated Wh since the first reading (C_last - C_first) and the last extended count; null before any reading. */
export function channelTotals(state: ChannelState): { atMs: number; cumulativeWh: Rational; counts: Rational } | null {
  if (!state.last) return null;
  return { atMs: state.last.atMs, cumulativeWh: rationalFromText(state.last.c), counts: rationalFromText(state.last.counts) };
}

function instantFlags(r: ChannelReading, limits: ChannelLimits): IntervalFlag[] {
  const flags: IntervalFlag[] = [];
  const un = limits.nominalVoltageV;
  // Scaled by 10 so the limits are not moved by float rounding (1.1 x 230 is 253.00000000000003 in float64).
  if (r.voltageV !== null && (r.voltageV * 10 < 9 * un || r.voltageV * 10 > 11 * un)) flags.push('voltage-out-of-range');
  if (r.frequencyHz !== null && (r.frequencyHz < 49 || r.frequencyHz > 51)) flags.push('frequency-out-of-range');
  if (r.currentA !== null && r.currentA > limits.maxCurrentA) flags.push('overcurrent');
  if (r.alarmActive) flags.push('alarm-active');
  if (r.clockUnsynchronised) flags.push('clock-unsynchronised');
  if (r.directionEstimated) flags.push('direction-estimated');
  return flags;
}

function eventFlags(event: CounterEvent): IntervalFlag[] {
  if (event === 'wrap') return ['counter-wrap'];
  if (event === 'reset') return ['meter-reset'];
  return [];
}

/** Value at time b on the straight line through (t0, v0) and (t1, v1), exact. */
function interpolate(v0: Rational, v1: Rational, t0: number, t1: number, b: number): Rational {
  if (b <= t0) return v0;
  if (b >= t1) return v1;
  return add(v0, mul(sub(v1, v0), rational(BigInt(b - t0), BigInt(t1 - t0))));
}

function checkConfig(state: ChannelState, cfg: EngineConfig): void {
  if (state.v !== 1) throw new FrameError('bad-channel-state', `channel state version ${String(state.v)}; expected 1`);
  if (state.resolution !== null && state.resolution !== cfg.resolution) {
    throw new ConfigError('resolution-changed', `channel state was built at ${state.resolution} but the config says ${cfg.resolution}; expected the same resolution (start a new channel state to change it)`);
  }
  if (!(cfg.limits.nominalVoltageV > 0) || !(cfg.limits.maxCurrentA > 0)) {
    throw new ConfigError('bad-limits', `limits are Un ${cfg.limits.nominalVoltageV} V, Imax ${cfg.limits.maxCurrentA} A; expected both > 0`);
  }
  if (!(cfg.closeAfterMs >= 0)) throw new ConfigError('bad-close-after', `closeAfterMs is ${cfg.closeAfterMs}; expected a number >= 0`);
  if (cfg.maxEmptyPerClose !== undefined && !(Number.isInteger(cfg.maxEmptyPerClose) && cfg.maxEmptyPerClose > 0)) {
    throw new ConfigError('bad-max-empty', `maxEmptyPerClose is ${cfg.maxEmptyPerClose}; expected a positive integer`);
  }
  if (cfg.maxGapMs !== undefined && !(cfg.maxGapMs > 0)) throw new ConfigError('bad-max-gap', `maxGapMs is ${cfg.maxGapMs}; expected a number > 0`);
}

interface Built {
  interval: Omit<ClosedInterval, 'revision'>;
  key: string;
}

function build(
  open: OpenPeriodState,
  endC: Rational,
  endCounts: Rational,
  whPerCount: Rational,
  cfg: EngineConfig,
): Built {
  const startC = rationalFromText(open.startC);
  const startCounts = rationalFromText(open.startCounts);
  const len = open.endMs - open.startMs;
  const covered = Math.min(open.coveredMs, len);
  const quality = covered >= len ? 'actual' : 'estimated';
  const flags = mergeFlags(open.flags, quality === 'actual' ? [] : ['gap']);
  const energyWh = floor(endC) - floor(startC);
  const rawCounts = floor(endCounts) - floor(startCounts);
  const coveragePermille = Math.floor((covered * 1000) / len);
  const interval = {
    period: periodAt(open.startMs, cfg.resolution, cfg.tz ?? DEFAULT_TZ),
    energyWh,
    rawCounts,
    registerStart: startCounts,
    registerEnd: endCounts,
    whPerCount,
    quality,
    coveragePermille,
    flags,
  } satisfies Omit<ClosedInterval, 'revision'>;
  // Content that matters for settlement; a change of any of it means a new revision.
  const key = `${energyWh}|${rawCounts}|${quality}|${coveragePermille}|${flags.join(',')}`;
  return { interval, key };
}

/** Issues the period if it was never issued or its content changed; returns the new issued marker. */
function issue(open: OpenPeriodState, b: Built, out: ClosedInterval[]): OpenPeriodState['issued'] {
  if (open.issued && open.issued.key === b.key) return open.issued;
  const revision = open.issued ? open.issued.revision + 1 : 0;
  const flags = revision > 0 ? mergeFlags(b.interval.flags, ['late-data']) : b.interval.flags;
  out.push({ ...b.interval, flags, revision });
  return { revision, key: b.key };
}

// The content of an empty interval issued by closeDue (no reading in or after it): what later readings compare with.
const emptyKey = (flags: readonly IntervalFlag[] = []): string => `0|0|estimated|0|${mergeFlags(flags, ['gap']).join(',')}`;

/** Feeds one reading; returns the periods that became final (or changed) with it. */
export function applyReading(state: ChannelState, r: ChannelReading, cfg: EngineConfig): ApplyResult {
  checkConfig(state, cfg);
  if (!Number.isFinite(r.atMs)) throw new FrameError('bad-reading-time', `reading time ${r.atMs} is not finite; expected ms since the epoch`);
  if (r.extended < 0n) throw new FrameError('bad-reading-count', `extended count ${r.extended} is negative; expected a count from extendCounter`);
  if (r.whPerCount.num <= 0n) throw new FrameError('bad-reading-unit', `whPerCount ${rationalToText(r.whPerCount)} must be > 0`);
  const tz = cfg.tz ?? DEFAULT_TZ;
  const unit = rationalToText(r.whPerCount);

  if (!state.last || !state.open) {
    const p = periodAt(r.atMs, cfg.resolution, tz);
    const counts = rational(r.extended);
    const next: ChannelState = {
      v: 1,
      resolution: cfg.resolution,
      last: { atMs: r.atMs, c: '0', counts: rationalToText(counts) },
      open: {
        startMs: p.startMs,
        endMs: p.endMs,
        startC: '0',
        startCounts: rationalToText(counts),
        coveredMs: 0,
        flags: instantFlags(r, cfg.limits),
        issued: null,
      },
      emptyIssuedThroughMs: null,
      whPerCount: unit,
    };
    return { state: next, closed: [] };
  }
  const t0 = state.last.atMs;
  const t1 = r.atMs;
  if (t1 <= t0) return { state, closed: [], ignored: 'not-after-last' };

  const c0 = rationalFromText(state.last.c);
  const k0 = rationalFromText(state.last.counts);
  // Extended counts from extendCounter never go back. If they do (counter state lost while this state was kept),
  // the engine re-anchors: that one step counts nothing, later advances count again, and the period is flagged.
  let countsOffset = BigInt(state.countsOffset ?? '0');
  let reanchored = false;
  const k0Int = floor(k0);
  if (r.extended + countsOffset < k0Int) {
    countsOffset = k0Int - r.extended;
    reanchored = true;
  }
  const k1 = rational(r.extended + countsOffset);
  const advance = sub(k1, k0);
  const c1 = add(c0, mul(mul(advance, r.whPerCount), compensationFactor(cfg.compensation, r.pf)));
  const gap = t1 - t0 > (cfg.maxGapMs ?? DEFAULT_MAX_GAP_MS);
  const evFlags = reanchored ? mergeFlags(eventFlags(r.event), ['meter-reset']) : eventFlags(r.event);
  // An implausible step's energy is spread over (t0, t1]: every period that gets part of it is flagged.
  const stepFl = mergeFlags(r.stepFlags ?? [], r.event === 'implausible-advance' ? ['implausible-advance'] : []);
  const closed: ClosedInterval[] = [];
  let emptyThrough = state.emptyIssuedThroughMs;

  let cur: OpenPeriodState = { ...state.open, flags: [...state.open.flags] };
  while (cur.endMs <= t1) {
    const segStart = Math.max(cur.startMs, t0);
    const coveredMs = cur.coveredMs + (gap ? 0 : cur.endMs - segStart);
    // A counter event happened somewhere in (t0, t1]; it belongs to the period whose (start, end] holds t1.
    const flags = mergeFlags(t1 === cur.endMs ? mergeFlags(cur.flags, evFlags) : cur.flags, stepFl);
    const endC = interpolate(c0, c1, t0, t1, cur.endMs);
    const endCounts = interpolate(k0, k1, t0, t1, cur.endMs);
    const done: OpenPeriodState = { ...cur, coveredMs, flags };
    issue(done, build(done, endC, endCounts, r.whPerCount, cfg), closed);
    const p = periodAt(cur.endMs, cfg.resolution, tz);
    const wasIssuedEmpty = emptyThrough !== null && p.endMs <= emptyThrough;
    cur = {
      startMs: p.startMs,
      endMs: p.endMs,
      startC: rationalToText(endC),
      startCounts: rationalToText(endCounts),
      coveredMs: 0,
      flags: [],
      issued: wasIssuedEmpty ? { revision: 0, key: emptyKey(state.emptyFlags) } : null,
    };
  }
  // cur now holds t1: cur.startMs <= t1 < cur.endMs.
  cur.coveredMs += gap ? 0 : t1 - Math.max(cur.startMs, t0);
  cur.flags = mergeFlags(cur.flags, [...(t1 > cur.startMs ? [...evFlags, ...stepFl] : []), ...instantFlags(r, cfg.limits)]);
  if (emptyThrough !== null && emptyThrough <= cur.endMs) emptyThrough = null;

  const next: ChannelState = {
    v: 1,
    resolution: cfg.resolution,
    last: { atMs: t1, c: rationalToText(c1), counts: rationalToText(k1) },
    open: cur,
    emptyIssuedThroughMs: emptyThrough,
    whPerCount: unit,
    ...(emptyThrough !== null && state.emptyFlags?.length ? { emptyFlags: state.emptyFlags } : {}),
    ...(countsOffset !== 0n ? { countsOffset: countsOffset.toString() } : {}),
  };
  return { state: next, closed };
}

/**
 * Closes, provisionally and as 'estimated', every period whose end + closeAfterMs has passed without a reading at
 * or after its end (meter comms lost): the open period with the energy known so far, then empty periods.
 * A provisionally closed period whose content has changed since (a late reading inside it) is re-issued.
 * `flags` (e.g. alarm-active while the meter's comms alarm is up) are added to every period closed here.
 */
export function closeDue(state: ChannelState, nowMs: number, cfg: EngineConfig, flags: readonly IntervalFlag[] = []): { state: ChannelState; closed: ClosedInterval[] } {
  checkConfig(state, cfg);
  const closed: ClosedInterval[] = [];
  if (!state.last || !state.open) return { state, closed };
  // An open period that was already issued is re-checked whatever nowMs says: it is overdue by definition.
  if (!(nowMs >= state.open.endMs + cfg.closeAfterMs) && state.open.issued === null) return { state, closed };
  const tz = cfg.tz ?? DEFAULT_TZ;
  const unit = rationalFromText(state.whPerCount ?? '1');
  const lastC = rationalFromText(state.last.c);
  const lastCounts = rationalFromText(state.last.counts);

  const open = { ...state.open, flags: mergeFlags(state.open.flags, flags) };
  const issued = issue(open, build(open, lastC, lastCounts, unit, cfg), closed);
  // Empty periods already issued keep the flags they were issued with; new ones get this call's.
  const emptyFlags = state.emptyIssuedThroughMs !== null && state.emptyIssuedThroughMs > open.endMs ? (state.emptyFlags ?? []) : [...flags];

  let s = Math.max(open.endMs, state.emptyIssuedThroughMs ?? open.endMs);
  const lastCText = rationalToText(lastC);
  const lastCountsText = rationalToText(lastCounts);
  const maxEmpty = cfg.maxEmptyPerClose ?? DEFAULT_MAX_EMPTY_PER_CLOSE;
  for (let n = 0; n < maxEmpty; n++) {
    const p = periodAt(s, cfg.resolution, tz);
    if (!(nowMs >= p.endMs + cfg.closeAfterMs)) break;
    const empty: OpenPeriodState = {
      startMs: p.startMs,
      endMs: p.endMs,
      startC: lastCText,
      startCounts: lastCountsText,
      coveredMs: 0,
      flags: emptyFlags,
      issued: null,
    };
    issue(empty, build(empty, lastC, lastCounts, unit, cfg), closed);
    s = p.endMs;
  }
  const emptyThrough = s > open.endMs ? s : state.emptyIssuedThroughMs;
  const next: ChannelState = {
    ...state,
    open: { ...open, issued },
    emptyIssuedThroughMs: emptyThrough,
    ...(emptyThrough !== null && emptyFlags.length ? { emptyFlags } : {}),
  };
  return { state: next, closed };
}
