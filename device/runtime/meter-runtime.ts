// One meter's share of the gateway: counter extension, the settlement engine per resolution, interval sealing,
// reading persistence and the meter's alarms. Every sample is processed in one SQLite transaction, so a crash
// leaves the store either before or after it, never in between; memory follows the store (a transaction that
// rolls back, e.g. on a full disk, puts memory back where it was, and the next sample counts from there).
import { floor, mul, rational } from '../../drivers/rational.js';
import type { MeterSample, EnergyRegister } from '../../drivers/meter-driver.js';
import { FrameError } from '../../drivers/errors.js';
import type { MeterConfig, GatewayConfig } from '../config/gateway-config.js';
import { splitAdvance, type SplitState } from '../settlement/direction-split.js';
import { extendCounter, type CounterState, type CounterEvent } from '../settlement/counter-extension.js';
import {
  applyReading,
  closeDue,
  initialChannelState,
  type ChannelReading,
  type ChannelState,
  type ClosedInterval,
  type EngineConfig,
} from '../settlement/channel-engine.js';
import { rationalFromText, rationalToText } from '../settlement/rational-text.js';
import { formatKwh } from '../records/record-chain.js';
import type { Channel, IntervalFlag, IntervalRecord, Resolution } from '../records/record-types.js';
import type { GatewayStore } from '../store/gateway-store.js';
import type { AlarmManager } from '../alarms/alarm-manager.js';
import type { RecordWriter, IntervalBody } from './record-writer.js';
import { persistDecision } from './persist-policy.js';
import { maxPlausibleAdvance } from './plausible-advance.js';
import { RESOLUTION_MS } from '../config/gateway-config.js';

interface StoredCounter {
  state: CounterState;
  atMs: number;
}

/** A both-directions counter (MeterSample.absoluteEnergy) and the import/export registers split from it. */
interface StoredAbsolute extends StoredCounter {
  split: SplitState;
}

interface MemReading {
  atMs: number;
  raw: bigint;
  extended: bigint;
  whPerCount: string;
  event: CounterEvent;
}

interface ChannelRt {
  channel: Channel;
  counter: CounterState | null;
  counterAtMs: number | null;
  engines: Map<Resolution, ChannelState>;
  last: MemReading | null;
  lastStoredAtMs: number | null;
  /** Memory is ahead of the store (written at the next periodic point or at shutdown). */
  dirty: boolean;
}

/** Consecutive failed polls before meter-comms-failure is raised. */
export const COMMS_FAILURE_POLLS = 3;
const FRAME_WINDOW = 50;

export interface SampleOutcome {
  closed: IntervalRecord[];
  lifetimeImportWh: bigint | null;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

export class MeterRuntime {
  private readonly channels: ChannelRt[];
  private consecutiveFailures = 0;
  private frameWindow: number[] = [];
  private lastExportRaw: bigint | null = null;
  private absolute: StoredAbsolute | null;
  /** Readings stamped at or before the last accepted one are held (clock behind the store) since this sample's time. */
  private heldSince: { atMs: number; count: number } | null = null;
  /** What the last sample's both-directions counter did, for the channel readings it feeds. */
  private absoluteStep: { event: CounterEvent; mixed: boolean } = { event: 'none', mixed: false };
  lastSample: MeterSample | null = null;
  lastError: string | null = null;
  lastOkMs: number | null = null;
  /** Configuration/model mismatches seen while sampling, reported once by the gateway. */
  readonly warnings = new Set<string>();

  constructor(
    readonly m: MeterConfig,
    private readonly cfg: GatewayConfig,
    private readonly store: GatewayStore,
    private readonly writer: RecordWriter,
    private readonly alarms: AlarmManager,
  ) {
    this.absolute = store.getCounterState<StoredAbsolute>(m.id, 'absolute');
    const chans: Channel[] = m.amsid.export !== undefined ? ['import', 'export'] : ['import'];
    this.channels = chans.map((channel) => {
      const stored = store.getCounterState<StoredCounter>(m.id, channel);
      const engines = new Map<Resolution, ChannelState>();
      for (const r of cfg.resolutions) engines.set(r, store.getEngineState<ChannelState>(m.id, channel, r) ?? initialChannelState());
      return {
        channel,
        counter: stored?.state ?? null,
        counterAtMs: stored?.atMs ?? null,
        engines,
        last: null,
        lastStoredAtMs: stored?.atMs ?? null,
        dirty: false,
      };
    });
  }

  private engineConfig(resolution: Resolution): EngineConfig {
    return {
      resolution,
      compensation: this.m.compensation,
      limits: { nominalVoltageV: this.m.ratedVoltageV, maxCurrentA: this.m.maxCurrentA },
      tz: this.cfg.timeZone,
      closeAfterMs: this.cfg.closeAfterMs,
      maxGapMs: this.cfg.maxGapMs,
    };
  }

  private get shortestPeriodMs(): number {
    return Math.min(...this.cfg.resolutions.map((r) => RESOLUTION_MS[r]));
  }

  /** Engine states whose open period starts earliest (raw readings after it are still needed). */
  oldestOpenPeriodMs(): number | null {
    let oldest: number | null = null;
    for (const c of this.channels) for (const s of c.engines.values()) {
      const start = s.open?.startMs;
      if (start !== undefined && (oldest === null || start < oldest)) oldest = start;
    }
    return oldest;
  }

  private intervalBody(ch: Channel, ci: ClosedInterval): IntervalBody {
    return {
      type: 'interval',
      meter: { id: this.m.id, serial: this.m.serial, model: this.m.model },
      amsid: ch === 'import' ? this.m.amsid.import : this.m.amsid.export!,
      channel: ch,
      period: {
        start: iso(ci.period.startMs),
        end: iso(ci.period.endMs),
        resolution: ci.period.resolution,
        settlementDate: ci.period.settlementDate,
        settlementPeriod: ci.period.settlementPeriod,
      },
      energyWh: Number(ci.energyWh),
      energyKwh: formatKwh(ci.energyWh),
      rawCounts: ci.rawCounts.toString(),
      register: { start: floor(ci.registerStart).toString(), end: floor(ci.registerEnd).toString(), whPerCount: rationalToText(ci.whPerCount) },
      quality: ci.quality,
      coveragePermille: ci.coveragePermille,
      flags: ci.flags,
      revision: ci.revision,
    };
  }

  private writeClosed(ch: ChannelRt, closed: ClosedInterval[], nowMs: number, out: IntervalRecord[]): void {
    for (const ci of closed) {
      const s = this.writer.writeInterval(this.intervalBody(ch.channel, ci), ci.period.startMs, ci.period.endMs, nowMs);
      out.push(s.payload as IntervalRecord);
    }
  }

  private persistChannel(ch: ChannelRt, r: MemReading, source: string, nowMs: number): void {
    this.store.insertReading({
      meter: this.m.id, channel: ch.channel, at: r.atMs, raw: r.raw, extended: r.extended,
      whPerCount: r.whPerCount, source, event: r.event,
    });
    if (ch.counter) this.store.setCounterState(this.m.id, ch.channel, { state: ch.counter, atMs: ch.counterAtMs ?? r.atMs } satisfies StoredCounter, nowMs);
    // Stored with the channels it feeds, so that after a restart both resume from the same point.
    if (this.absolute) this.store.setCounterState(this.m.id, 'absolute', this.absolute, nowMs);
    for (const [res, st] of ch.engines) this.store.setEngineState(this.m.id, ch.channel, res, st, nowMs);
    ch.lastStoredAtMs = r.atMs;
    ch.dirty = false;
  }

  /** Memory that a sample changes, restored when its transaction rolls back (state objects are never mutated). */
  private snapshot(): () => void {
    const abs = this.absolute;
    const lastExportRaw = this.lastExportRaw;
    const heldSince = this.heldSince && { ...this.heldSince };
    const chans = this.channels.map((c) => ({ ...c, engines: new Map(c.engines) }));
    return () => {
      this.absolute = abs;
      this.lastExportRaw = lastExportRaw;
      this.heldSince = heldSince;
      this.channels.forEach((c, i) => Object.assign(c, chans[i]!));
    };
  }

  /** One store transaction; if it fails, memory is put back to what it was before, then the error is rethrown. */
  private atomically<T>(fn: () => T): T {
    const restore = this.snapshot();
    // Inside a caller's transaction (housekeeping) this part may commit and the whole still roll back.
    this.store.onRollback(restore);
    try {
      return this.store.transaction(fn);
    } catch (err) {
      restore();
      throw err;
    }
  }

  private hasActiveAlarm(): boolean {
    return this.store.activeAlarms().some((a) => a.meter === this.m.id);
  }

  /** Time of the last reading that counter extension and engines took (from the store after a restart). */
  private lastAcceptedMs(): number | null {
    const times: number[] = [];
    if (this.absolute) times.push(this.absolute.atMs);
    for (const c of this.channels) {
      if (c.counterAtMs !== null) times.push(c.counterAtMs);
      for (const e of c.engines.values()) if (e.last) times.push(e.last.atMs);
    }
    return times.length ? Math.max(...times) : null;
  }

  /**
   * A reading stamped at or before the last accepted one says the wall clock is behind (restart before NTP, a step
   * back). Its elapsed time would be negative, so it is held: nothing is counted or stored from it, and the first
   * reading after the clock has passed the last accepted time counts the whole advance, its step flagged.
   */
  private hold(s: MeterSample, lastAt: number, nowMs: number): void {
    if (this.heldSince) this.heldSince.count++;
    else this.heldSince = { atMs: s.at, count: 1 };
    this.alarms.raise('clock-unsynchronised', this.m.id, `reading stamped ${iso(s.at)} is not after the last stored reading ${iso(lastAt)}: the wall clock is behind; readings held until it passes that time`, s.at, nowMs);
  }

  /** A successful read. `clockUnsynchronised` comes from the gateway's clock watch. */
  onSample(s: MeterSample, nowMs: number, clockUnsynchronised: boolean): SampleOutcome {
    const out: IntervalRecord[] = [];
    let lifetimeImportWh: bigint | null = null;
    this.atomically(() => {
      this.consecutiveFailures = 0;
      // The step from the last reading before the failure to this one spans the failure: its periods are flagged.
      const commsWasDown = this.alarms.isActive('meter-comms-failure', this.m.id);
      this.alarms.clear('meter-comms-failure', this.m.id, 'meter answers again', s.at, nowMs);
      this.trackFrameErrors(s.frameErrors, s.at, nowMs);
      const lastAt = this.lastAcceptedMs();
      if (lastAt !== null && s.at <= lastAt) return this.hold(s, lastAt, nowMs);
      const held = this.heldSince;
      if (held) {
        this.alarms.clear('clock-unsynchronised', this.m.id, `wall clock passed the last stored reading; ${held.count} readings from ${iso(held.atMs)} were held and their energy counted in the next step`, s.at, nowMs);
        this.heldSince = null;
      }
      const stepFlags: IntervalFlag[] = [...(held ? ['clock-unsynchronised' as const] : []), ...(commsWasDown ? ['alarm-active' as const] : [])];
      this.absoluteStep = { event: 'none', mixed: false };
      const energy = this.energyOf(s, nowMs);
      this.trackReverseEnergy(energy.export, s.at, nowMs);
      const alarmActive = this.hasActiveAlarm();
      const voltages = s.instant.voltageV ?? [];
      const worstV = voltages.length
        ? voltages.reduce((w, v) => (Math.abs(v - this.m.ratedVoltageV) > Math.abs(w - this.m.ratedVoltageV) ? v : w))
        : null;
      const currents = s.instant.currentA ?? [];
      for (const ch of this.channels) {
        const reg: EnergyRegister | undefined = energy[ch.channel];
        if (!reg) {
          // The model has no such register (e.g. a BL0942 counts one direction only): that channel is not metered.
          this.warnings.add(`meter ${this.m.id} (${this.m.model}) reports no ${ch.channel} energy register: the ${ch.channel} AMSID gets no intervals from it`);
          continue;
        }
        const opts = ch.counter && ch.counterAtMs !== null
          ? { maxPlausibleAdvance: maxPlausibleAdvance(s.at - ch.counterAtMs, this.m, reg.whPerCount) }
          : {};
        const ext = extendCounter(ch.counter, reg.value, reg.counterBits, opts);
        if (ext.event === 'reset') {
          this.alarms.pulse('counter-reset', this.m.id, `${ch.channel} register went from ${ch.counter?.lastRaw} to ${reg.value} counts: reset or meter replaced`, s.at, s.at, nowMs);
        } else if (ext.event === 'implausible-advance') {
          this.alarms.pulse('implausible-advance', this.m.id, `${ch.channel} register went forward ${ext.advance} counts in ${s.at - (ch.counterAtMs ?? s.at)} ms, more than Imax on every phase allows: counted in full, interval flagged for validation`, s.at, s.at, nowMs);
        } else if (ext.event === 'decrease') {
          this.alarms.raise('counter-decrease', this.m.id, `${ch.channel} register stepped back from ${ch.counter?.lastRaw} to ${reg.value} counts`, s.at, nowMs);
        } else if (ext.advance > 0n) {
          this.alarms.clear('counter-decrease', this.m.id, `${ch.channel} register advancing again`, s.at, nowMs);
        }
        ch.counter = ext.state;
        ch.counterAtMs = s.at;
        // A wrap or reset of a both-directions counter shows on the channels split from it.
        const absEvent = this.absoluteStep.event;
        const event: CounterEvent = ext.event === 'none' && (absEvent === 'wrap' || absEvent === 'reset' || absEvent === 'implausible-advance') ? absEvent : ext.event;
        if (ch.channel === 'import') lifetimeImportWh = floor(mul(rational(ext.extended), reg.whPerCount));
        const reading: ChannelReading = {
          atMs: s.at,
          extended: ext.extended,
          whPerCount: reg.whPerCount,
          pf: s.instant.powerFactor ?? null,
          voltageV: worstV,
          frequencyHz: s.instant.frequencyHz ?? null,
          currentA: currents.length ? Math.max(...currents) : null,
          alarmActive,
          event,
          clockUnsynchronised,
          directionEstimated: this.absoluteStep.mixed,
          stepFlags,
        };
        let closedAny = false;
        for (const [res, st] of ch.engines) {
          const r = applyReading(st, reading, this.engineConfig(res));
          ch.engines.set(res, r.state);
          if (r.closed.length) {
            closedAny = true;
            this.writeClosed(ch, r.closed, nowMs, out);
          }
        }
        const mem: MemReading = { atMs: s.at, raw: reg.value, extended: ext.extended, whPerCount: rationalToText(reg.whPerCount), event };
        const d = persistDecision({
          prevAtMs: ch.last?.atMs ?? null,
          atMs: s.at,
          lastStoredAtMs: ch.lastStoredAtMs,
          persistIntervalMs: this.cfg.persistIntervalMs,
          periodMs: this.shortestPeriodMs,
          counterEvent: event,
        });
        if (d.storePrevious && ch.last) {
          this.store.insertReading({ meter: this.m.id, channel: ch.channel, at: ch.last.atMs, raw: ch.last.raw, extended: ch.last.extended, whPerCount: ch.last.whPerCount, source: 'boundary-last', event: ch.last.event });
        }
        ch.last = mem;
        // Engine state is written whenever an interval closes, so that a restart never re-issues a closed period.
        // Periodic readings of all meters are written together by the gateway's housekeeping (one transaction).
        if ((d.reason && d.reason !== 'periodic') || closedAny || event !== 'none') this.persistChannel(ch, mem, d.reason ?? 'boundary-first', nowMs);
        else ch.dirty = true;
      }
    });
    this.lastSample = s;
    this.lastError = null;
    this.lastOkMs = s.at;
    return { closed: out, lifetimeImportWh };
  }

  /** A failed read: counts towards meter-comms-failure and closes overdue periods provisionally. */
  onFailure(err: Error, nowMs: number): IntervalRecord[] {
    this.consecutiveFailures++;
    this.lastError = err.message;
    const out: IntervalRecord[] = [];
    this.atomically(() => {
      if (err instanceof FrameError) this.trackFrameErrors(1, nowMs, nowMs);
      if (this.consecutiveFailures >= COMMS_FAILURE_POLLS) {
        this.alarms.raise('meter-comms-failure', this.m.id, `${this.consecutiveFailures} polls failed; last error: ${err.message}`, nowMs);
      }
      out.push(...this.closeDue(nowMs));
    });
    return out;
  }

  /** Closes periods that are overdue (no reading after their end); persists engine state if any closed. */
  closeDue(nowMs: number): IntervalRecord[] {
    const out: IntervalRecord[] = [];
    this.atomically(() => {
      const flags: IntervalFlag[] = this.hasActiveAlarm() ? ['alarm-active'] : [];
      for (const ch of this.channels) {
        let closedAny = false;
        for (const [res, st] of ch.engines) {
          const r = closeDue(st, nowMs, this.engineConfig(res), flags);
          ch.engines.set(res, r.state);
          if (r.closed.length) {
            closedAny = true;
            this.writeClosed(ch, r.closed, nowMs, out);
          }
        }
        if (closedAny) for (const [res, st] of ch.engines) this.store.setEngineState(this.m.id, ch.channel, res, st, nowMs);
      }
    });
    return out;
  }

  private trackFrameErrors(errors: number, atMs: number, nowMs: number): void {
    this.frameWindow.push(errors);
    if (this.frameWindow.length > FRAME_WINDOW) this.frameWindow.shift();
    if (this.frameWindow.length < 10) return;
    const rate = this.frameWindow.reduce((a, b) => a + b, 0) / this.frameWindow.length;
    if (rate > 0.1) this.alarms.raise('frame-error-rate', this.m.id, `${rate.toFixed(2)} frame/CRC errors per poll over the last ${this.frameWindow.length} polls (limit 0.10): check wiring, termination and baud rate`, atMs, nowMs);
    else if (rate < 0.02) this.alarms.clear('frame-error-rate', this.m.id, `${rate.toFixed(2)} frame errors per poll`, atMs, nowMs);
  }

  /**
   * The sample's import and export registers. A both-directions counter is extended (wraps and resets persisted like
   * any register) and each advance split by the sign of power into two virtual registers that never wrap.
   */
  private energyOf(s: MeterSample, nowMs: number): MeterSample['energy'] {
    const abs = s.absoluteEnergy;
    if (!abs) return s.energy;
    const prev = this.absolute;
    const opts = prev ? { maxPlausibleAdvance: maxPlausibleAdvance(s.at - prev.atMs, this.m, abs.whPerCount) } : {};
    const ext = extendCounter(prev?.state ?? null, abs.value, abs.counterBits, opts);
    if (ext.event === 'reset') {
      this.alarms.pulse('counter-reset', this.m.id, `energy counter went from ${prev?.state.lastRaw} to ${abs.value} counts: reset or meter replaced`, s.at, s.at, nowMs);
    } else if (ext.event === 'implausible-advance') {
      this.alarms.pulse('implausible-advance', this.m.id, `energy counter went forward ${ext.advance} counts in ${s.at - (prev?.atMs ?? s.at)} ms: counted in full, interval flagged for validation`, s.at, s.at, nowMs);
    }
    const split = splitAdvance(prev?.split ?? null, ext.advance, s.instant.powerW ?? null);
    this.absolute = { state: ext.state, atMs: s.at, split: split.state };
    this.absoluteStep = { event: ext.event, mixed: split.mixed && prev !== null };
    const virtual = (counts: string): EnergyRegister => ({ value: BigInt(counts), whPerCount: abs.whPerCount, counterBits: null, floatUlpWh: abs.floatUlpWh });
    return { ...s.energy, import: virtual(split.state.import), export: virtual(split.state.export) };
  }

  /** Export counted on a meter registered for import only: wiring or CT reversed. */
  private trackReverseEnergy(exp: EnergyRegister | undefined, atMs: number, nowMs: number): void {
    if (this.m.amsid.export !== undefined) return;
    if (!exp) return;
    const prev = this.lastExportRaw;
    this.lastExportRaw = exp.value;
    if (prev === null) return;
    if (exp.value > prev) {
      this.alarms.raise('reverse-energy', this.m.id, `export register advanced ${exp.value - prev} counts on an import-only meter: check CT direction and wiring`, atMs, nowMs);
    } else {
      this.alarms.clear('reverse-energy', this.m.id, 'no reverse energy in the last poll', atMs, nowMs);
    }
  }

  /** Writes whatever memory holds ahead of the store (periodic persistence, clean shutdown). */
  flush(nowMs: number, source: 'periodic' | 'shutdown' = 'shutdown'): void {
    this.atomically(() => {
      for (const ch of this.channels) if (ch.dirty && ch.last) this.persistChannel(ch, ch.last, source, nowMs);
    });
  }

  /** For status: last extended registers in Wh (uncompensated) per channel. */
  registersWh(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const ch of this.channels) {
      if (ch.last) out[ch.channel] = formatKwh(floor(mul(rational(ch.last.extended), rationalFromText(ch.last.whPerCount))));
    }
    return out;
  }
}
