// What the console shows live, fed by the gateway's events (the same `onEvent` that prints `amsgate run`'s lines):
// the latest reading of each meter, a short power history for the plot, the broker link, and listeners (the
// Server-Sent Events streams and the commissioning's live drivers).
import type { MeterSample } from '../../drivers/meter-driver.js';
import type { GatewayEvent } from '../runtime/gateway.js';

export interface LiveReading {
  meter: string;
  at: number;
  voltageV: number[] | null;
  currentA: number[] | null;
  powerW: number | null;
  powerFactor: number | null;
  frequencyHz: number | null;
  /** Energy registers as the runtime keeps them, kWh as exact decimal text, per channel. */
  registersKwh: Record<string, string>;
}

export interface BrokerLink {
  state: 'connected' | 'disconnected' | 'error' | 'not started';
  sinceMs: number | null;
  detail: string | null;
}

type Listener = (r: LiveReading, sample: MeterSample) => void;

/** Points kept per meter for the power plot (one hour at the default 10 s poll). */
export const HISTORY_POINTS = 360;

export function liveReadingOf(meter: string, s: MeterSample, registersKwh: Record<string, string>): LiveReading {
  const i = s.instant;
  return {
    meter,
    at: s.at,
    voltageV: i.voltageV ?? null,
    currentA: i.currentA ?? null,
    powerW: i.powerW ?? null,
    powerFactor: i.powerFactor ?? null,
    frequencyHz: i.frequencyHz ?? null,
    registersKwh,
  };
}

export class LiveFeed {
  readonly latest = new Map<string, LiveReading>();
  readonly errors = new Map<string, { at: number; error: string }>();
  private readonly history = new Map<string, { at: number[]; w: (number | null)[] }>();
  private readonly listeners = new Set<Listener>();
  broker: BrokerLink = { state: 'not started', sinceMs: null, detail: null };

  constructor(private readonly now: () => number = Date.now) {}

  observe(e: GatewayEvent): void {
    if (e.type === 'reading') {
      const r = liveReadingOf(e.meter, e.sample, e.registersKwh);
      this.latest.set(e.meter, r);
      this.errors.delete(e.meter);
      const h = this.history.get(e.meter) ?? { at: [], w: [] };
      h.at.push(r.at);
      h.w.push(r.powerW);
      if (h.at.length > HISTORY_POINTS) {
        h.at.shift();
        h.w.shift();
      }
      this.history.set(e.meter, h);
      for (const l of this.listeners) l(r, e.sample);
    } else if (e.type === 'meter-error') {
      this.errors.set(e.meter, { at: this.now(), error: e.error });
    } else if (e.type === 'mqtt') {
      // The detail of an error may name the broker URL; only the state and time are shown.
      if (e.state !== this.broker.state) this.broker = { state: e.state, sinceMs: this.now(), detail: e.state === 'connected' ? (e.detail ?? null) : null };
    }
  }

  historyOf(meter: string): { at: number[]; w: (number | null)[] } {
    const h = this.history.get(meter);
    return h ? { at: [...h.at], w: [...h.w] } : { at: [], w: [] };
  }

  /** Calls `fn` on every new reading until the returned function is called. */
  listen(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
