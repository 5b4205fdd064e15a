// A meter's counter of energy in both directions (MeterSample.absoluteEnergy: BL0942 in its default mode). It is
// extended like any register (wraps and resets persisted) and each advance split by the sign of power into two
// virtual import/export registers that never wrap (settlement/direction-split.ts). Stored with the channels it
// feeds, so that after a restart both resume from the same point.
import type { EnergyRegister, MeterSample } from '../../drivers/meter-driver.js';
import type { AlarmManager } from '../alarms/alarm-manager.js';
import type { MeterConfig } from '../config/gateway-config.js';
import { extendCounter, type CounterEvent, type CounterState } from '../settlement/counter-extension.js';
import { splitAdvance, type SplitState } from '../settlement/direction-split.js';
import type { GatewayStore } from '../store/gateway-store.js';
import { maxPlausibleAdvance } from './plausible-advance.js';

interface StoredAbsolute {
  state: CounterState;
  atMs: number;
  split: SplitState;
}

export class AbsoluteCounter {
  private stored: StoredAbsolute | null;
  /** What the last sample's counter did, for the channel readings it feeds. */
  step: { event: CounterEvent; mixed: boolean } = { event: 'none', mixed: false };

  constructor(
    private readonly m: MeterConfig,
    private readonly store: GatewayStore,
    private readonly alarms: AlarmManager,
  ) {
    this.stored = store.getCounterState<StoredAbsolute>(m.id, 'absolute');
  }

  /** Time of the last reading the counter took, or null. */
  get atMs(): number | null {
    return this.stored?.atMs ?? null;
  }

  /** Returns a function that puts this memory back (a rolled-back sample). */
  snapshot(): () => void {
    const { stored, step } = this;
    return () => {
      this.stored = stored;
      this.step = step;
    };
  }

  persist(nowMs: number): void {
    if (this.stored) this.store.setCounterState(this.m.id, 'absolute', this.stored, nowMs);
  }

  /** The sample's import and export registers: the virtual pair when the meter has a both-directions counter. */
  registers(s: MeterSample, nowMs: number): MeterSample['energy'] {
    this.step = { event: 'none', mixed: false };
    const abs = s.absoluteEnergy;
    if (!abs) return s.energy;
    const prev = this.stored;
    const opts = prev ? { maxPlausibleAdvance: maxPlausibleAdvance(s.at - prev.atMs, this.m, abs.whPerCount) } : {};
    const ext = extendCounter(prev?.state ?? null, abs.value, abs.counterBits, opts);
    if (ext.event === 'reset') {
      this.alarms.pulse('counter-reset', this.m.id, `energy counter went from ${prev?.state.lastRaw} to ${abs.value} counts: reset or meter replaced`, s.at, s.at, nowMs);
    } else if (ext.event === 'implausible-advance') {
      this.alarms.pulse('implausible-advance', this.m.id, `energy counter went forward ${ext.advance} counts in ${s.at - (prev?.atMs ?? s.at)} ms: counted in full, interval flagged for validation`, s.at, s.at, nowMs);
    }
    const split = splitAdvance(prev?.split ?? null, ext.advance, s.instant.powerW ?? null);
    this.stored = { state: ext.state, atMs: s.at, split: split.state };
    this.step = { event: ext.event, mixed: split.mixed && prev !== null };
    const virtual = (counts: string): EnergyRegister => ({ value: BigInt(counts), whPerCount: abs.whPerCount, counterBits: null, floatUlpWh: abs.floatUlpWh });
    return { ...s.energy, import: virtual(split.state.import), export: virtual(split.state.export) };
  }
}
