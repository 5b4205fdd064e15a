// One meter's share of the gateway: counter extension, the settlement engine per resolution, interval sealing,
// reading persistence and the meter's alarms. Every sample is processed in one SQLite transaction, so a crash
// leaves the store either before or after it, never in between; memory follows the store (a transaction that
// rolls back, e.g. on a full disk, puts memory back where it was, and the next sample counts from there).
import { floor, mul, rational } from '../../drivers/rational.js';
import type { MeterSample, EnergyRegister } from '../../drivers/meter-driver.js';
import { FrameError } from '../../drivers/errors.js';
import type { MeterConfig, GatewayConfig } from '../config/gateway-config.js';
import type { CounterEvent } from '../settlement/counter-extension.js';
import { applyReading, closeDue, type ChannelReading, type ClosedInterval } from '../settlement/channel-engine.js';
import { rationalToText } from '../settlement/rational-text.js';
import type { Channel, IntervalFlag, IntervalRecord, Resolution } from '../records/record-types.js';
import type { GatewayStore } from '../store/gateway-store.js';
import type { AlarmManager } from '../alarms/alarm-manager.js';
import type { RecordWriter } from './record-writer.js';
import { persistDecision } from './persist-policy.js';
import { iso } from './interval-body.js';
import { MeterWatch } from './meter-watch.js';
import { AbsoluteCounter } from './absolute-counter.js';
import { flowPowerFactor } from '../compensation/compensation.js';
import { engineConfigFor, shortestPeriodMs } from './engine-config.js';
import { sealIntervals } from './interval-sealing.js';
import { stepCounter } from './counter-step.js';
import { lastAcceptedMs, loadChannels, oldestOpenPeriodMs, registersKwh, storeChannel, type ChannelRt, type MemReading } from './meter-channels.js';

/** Consecutive failed polls before meter-comms-failure is raised. */
export const COMMS_FAILURE_POLLS = 3;

export interface SampleOutcome {
  closed: IntervalRecord[];
  lifetimeImportWh: bigint | null;
}

/** Active power in a channel's flow direction (W >= 0): what that channel's register counts. */
const channelPowerW = (ch: Channel, p: number | undefined): number | null =>
  p === undefined || !Number.isFinite(p) ? null : ch === 'import' ? Math.max(p, 0) : Math.max(-p, 0);


export class MeterRuntime {
  private readonly channels: ChannelRt[];
  private consecutiveFailures = 0;
  private readonly watch: MeterWatch;
  private readonly absolute: AbsoluteCounter;
  /** Readings stamped at or before the last accepted one are held (clock behind the store) since this sample's time. */
  private heldSince: { atMs: number; count: number } | null = null;
  /** ClockMonitor.steps at this meter's last accepted reading. */
  private clockStepsSeen = 0;
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
    this.absolute = new AbsoluteCounter(m, store, alarms);
    this.watch = new MeterWatch(m, alarms);
    this.channels = loadChannels(m, cfg, store);
  }

  private engineConfig(resolution: Resolution) {
    return engineConfigFor(this.m, this.cfg, resolution);
  }

  /** Engine states whose open period starts earliest (raw readings after it are still needed). */
  oldestOpenPeriodMs(): number | null {
    return oldestOpenPeriodMs(this.channels);
  }

  private writeClosed(ch: ChannelRt, closed: ClosedInterval[], nowMs: number, out: IntervalRecord[]): void {
    sealIntervals(this.m, ch.channel, closed, nowMs, this.alarms, this.writer, out);
  }

  private persistChannel(ch: ChannelRt, r: MemReading, source: string, nowMs: number): void {
    storeChannel(this.store, this.m.id, ch, r, source, nowMs);
    // Stored with the channels it feeds, so that after a restart both resume from the same point.
    this.absolute.persist(nowMs);
    for (const [res, st] of ch.engines) this.store.setEngineState(this.m.id, ch.channel, res, st, nowMs);
    ch.lastStoredAtMs = r.atMs;
    ch.dirty = false;
  }

  /** Memory that a sample changes, restored when its transaction rolls back (state objects are never mutated). */
  private snapshot(): () => void {
    const restoreAbsolute = this.absolute.snapshot();
    const restoreWatch = this.watch.snapshot();
    const heldSince = this.heldSince && { ...this.heldSince };
    const clockStepsSeen = this.clockStepsSeen;
    const chans = this.channels.map((c) => ({ ...c, engines: new Map(c.engines) }));
    return () => {
      restoreAbsolute();
      restoreWatch();
      this.heldSince = heldSince;
      this.clockStepsSeen = clockStepsSeen;
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
    return lastAcceptedMs(this.channels, this.absolute.atMs);
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

  /**
   * A successful read. `clockUnsynchronised` and `clockSteps` (steps seen so far) come from the gateway's clock
   * monitor: a step since this meter's last reading means the wall-clock times of this step are wrong, so the
   * energy it spreads over them is flagged in every period it touches.
   */
  onSample(s: MeterSample, nowMs: number, clockUnsynchronised: boolean, clockSteps = 0): SampleOutcome {
    const out: IntervalRecord[] = [];
    let lifetimeImportWh: bigint | null = null;
    this.atomically(() => {
      this.consecutiveFailures = 0;
      // The step from the last reading before the failure to this one spans the failure: its periods are flagged.
      const commsWasDown = this.alarms.isActive('meter-comms-failure', this.m.id);
      this.alarms.clear('meter-comms-failure', this.m.id, 'meter answers again', s.at, nowMs);
      this.watch.frameErrors(s.frameErrors, s.at, nowMs);
      const lastAt = this.lastAcceptedMs();
      if (lastAt !== null && s.at <= lastAt) return this.hold(s, lastAt, nowMs);
      const held = this.heldSince;
      if (held) {
        this.alarms.clear('clock-unsynchronised', this.m.id, `wall clock passed the last stored reading; ${held.count} readings from ${iso(held.atMs)} were held and their energy counted in the next step`, s.at, nowMs);
        this.heldSince = null;
      }
      const stepped = clockSteps > this.clockStepsSeen;
      this.clockStepsSeen = clockSteps;
      const stepFlags: IntervalFlag[] = [...(held || stepped ? ['clock-unsynchronised' as const] : []), ...(commsWasDown ? ['alarm-active' as const] : [])];
      const energy = this.absolute.registers(s, nowMs);
      this.watch.reverseEnergy(energy.export, s.at, nowMs);
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
        const ext = stepCounter(this.m, ch, reg, s, nowMs, this.alarms);
        ch.counter = ext.state;
        ch.counterAtMs = s.at;
        // A wrap or reset of a both-directions counter shows on the channels split from it.
        const absEvent = this.absolute.step.event;
        const event: CounterEvent = ext.event === 'none' && (absEvent === 'wrap' || absEvent === 'reset' || absEvent === 'implausible-advance') ? absEvent : ext.event;
        if (ch.channel === 'import') lifetimeImportWh = floor(mul(rational(ext.extended), reg.whPerCount));
        const reading: ChannelReading = {
          atMs: s.at,
          extended: ext.extended,
          whPerCount: reg.whPerCount,
          pf: flowPowerFactor(ch.channel, s.instant.powerFactor ?? null),
          powerW: channelPowerW(ch.channel, s.instant.powerW),
          voltageV: worstV,
          frequencyHz: s.instant.frequencyHz ?? null,
          currentA: currents.length ? Math.max(...currents) : null,
          alarmActive,
          event,
          clockUnsynchronised,
          directionEstimated: this.absolute.step.mixed,
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
          periodMs: shortestPeriodMs(this.cfg),
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
      if (err instanceof FrameError) this.watch.frameErrors(1, nowMs, nowMs);
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

  /** Writes whatever memory holds ahead of the store (periodic persistence, clean shutdown). */
  flush(nowMs: number, source: 'periodic' | 'shutdown' = 'shutdown'): void {
    this.atomically(() => {
      for (const ch of this.channels) if (ch.dirty && ch.last) this.persistChannel(ch, ch.last, source, nowMs);
    });
  }

  /** For status: last extended registers in Wh (uncompensated) per channel. */
  registersWh(): Record<string, string> {
    return registersKwh(this.channels);
  }
}
