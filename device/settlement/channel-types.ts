// The channel engine's data: readings in, the persisted state (plain JSON), closed intervals out, and the engine's
// configuration. channel-engine.ts holds the functions; docs/settlement.md "The channel engine" describes both.
import type { Rational } from '../../drivers/rational.js';
import type { CompensationSettings } from '../compensation/compensation.js';
import type { IntervalFlag } from '../records/record-types.js';
import type { CounterEvent } from './counter-extension.js';
import type { EnergyPowerRule, EnergyPowerVerdict, PowerIntegral } from './energy-power.js';
import type { PeriodInfo, Resolution } from './periods.js';
import { rationalFromText } from './rational-text.js';

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
  /** Active power in this channel's flow direction, W (>= 0), for the energy-power check; null when not measured. */
  powerW?: number | null;
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
  /** Energy-power consistency rule (energy-power.ts); absent or null: not checked. */
  energyPower?: EnergyPowerRule | null;
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
  /** Integral of polled power over the period so far (absent: none yet). */
  power?: PowerIntegral;
}

export interface ChannelState {
  v: 1;
  /** Set by the first reading; a state cannot be continued with another resolution. */
  resolution: Resolution | null;
  /** Last accepted reading: time, C (compensated Wh since the first reading) and extended count. */
  last: { atMs: number; c: string; counts: string; powerW?: number | null } | null;
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
  /** The energy-power comparison, when it applied to this period. */
  energyPower?: EnergyPowerVerdict;
}

export interface ApplyResult {
  state: ChannelState;
  closed: ClosedInterval[];
  /** Set when the reading was not used: 'not-after-last' = its time is not after the last accepted reading. */
  ignored?: 'not-after-last';
}


export function initialChannelState(): ChannelState {
  return { v: 1, resolution: null, last: null, open: null, emptyIssuedThroughMs: null, whPerCount: null };
}

/** Compensated Wh since the first reading (C_last - C_first) and the last extended count; null before any reading. */
export function channelTotals(state: ChannelState): { atMs: number; cumulativeWh: Rational; counts: Rational } | null {
  if (!state.last) return null;
  return { atMs: state.last.atMs, cumulativeWh: rationalFromText(state.last.c), counts: rationalFromText(state.last.counts) };
}

