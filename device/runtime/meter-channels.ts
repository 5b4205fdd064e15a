// A meter's channels (import, and export where configured) as the runtime holds them in memory: counter state,
// engine state per resolution, the last reading; loaded from the store at start and written back to it.
import { floor, mul, rational } from '../../drivers/rational.js';
import type { MeterConfig, GatewayConfig } from '../config/gateway-config.js';
import type { CounterState, CounterEvent } from '../settlement/counter-extension.js';
import { initialChannelState, type ChannelState } from '../settlement/channel-engine.js';
import { rationalFromText } from '../settlement/rational-text.js';
import { formatKwh } from '../records/record-chain.js';
import type { Channel, Resolution } from '../records/record-types.js';
import type { GatewayStore } from '../store/gateway-store.js';

export interface StoredCounter {
  state: CounterState;
  atMs: number;
}

export interface MemReading {
  atMs: number;
  raw: bigint;
  extended: bigint;
  whPerCount: string;
  event: CounterEvent;
}

export interface ChannelRt {
  channel: Channel;
  counter: CounterState | null;
  counterAtMs: number | null;
  engines: Map<Resolution, ChannelState>;
  last: MemReading | null;
  lastStoredAtMs: number | null;
  /** Memory is ahead of the store (written at the next periodic point or at shutdown). */
  dirty: boolean;
}

export function loadChannels(m: MeterConfig, cfg: GatewayConfig, store: GatewayStore): ChannelRt[] {
  const chans: Channel[] = m.amsid.export !== undefined ? ['import', 'export'] : ['import'];
  return chans.map((channel) => {
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

/** Writes one channel's reading, counter and engine states (the both-directions counter is the caller's). */
export function storeChannel(store: GatewayStore, meterId: string, ch: ChannelRt, r: MemReading, source: string, nowMs: number): void {
  store.insertReading({
    meter: meterId, channel: ch.channel, at: r.atMs, raw: r.raw, extended: r.extended,
    whPerCount: r.whPerCount, source, event: r.event,
  });
  if (ch.counter) store.setCounterState(meterId, ch.channel, { state: ch.counter, atMs: ch.counterAtMs ?? r.atMs } satisfies StoredCounter, nowMs);
}

/** Engine states whose open period starts earliest (raw readings after it are still needed). */
export function oldestOpenPeriodMs(channels: ChannelRt[]): number | null {
  let oldest: number | null = null;
  for (const c of channels) for (const s of c.engines.values()) {
    const start = s.open?.startMs;
    if (start !== undefined && (oldest === null || start < oldest)) oldest = start;
  }
  return oldest;
}

/** Time of the last reading that counter extension and engines took (`absAtMs`: the both-directions counter's). */
export function lastAcceptedMs(channels: ChannelRt[], absAtMs: number | null): number | null {
  const times: number[] = [];
  if (absAtMs !== null) times.push(absAtMs);
  for (const c of channels) {
    if (c.counterAtMs !== null) times.push(c.counterAtMs);
    for (const e of c.engines.values()) if (e.last) times.push(e.last.atMs);
  }
  return times.length ? Math.max(...times) : null;
}

/** For status: last extended registers in kWh (uncompensated) per channel. */
export function registersKwh(channels: ChannelRt[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ch of channels) {
    if (ch.last) out[ch.channel] = formatKwh(floor(mul(rational(ch.last.extended), rationalFromText(ch.last.whPerCount))));
  }
  return out;
}
