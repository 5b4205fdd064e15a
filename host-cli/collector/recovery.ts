// Recovery of missing records: every tick, the store's missing sequence numbers (from 1 up to each gateway's
// announced tail, chainReport) are asked for again by sequence range, with a back-off per device, until they arrive
// or an alarm says why not. It does not rely on the broker having kept anything: the gateway's store is the source.
// Each device's request state is kept in the store (resend_requests): a restarted collector goes on counting and
// backing off where the last one stopped, and the fleet console shows how often and when it asked.
import type { Clock } from '../../drivers/clock.js';
import type { CollectorStore, ResendRequest, SeqGap } from './store-types.js';

/** The resend command this collector sends (docs/mqtt-topics.md): seqs fromSeq..toSeq inclusive, every record type. */
export interface SeqResendCommand {
  id: string;
  type: 'resend';
  fromSeq: number;
  toSeq: number;
}

export interface RecoveryOptions {
  store: CollectorStore;
  publish(device: string, command: SeqResendCommand): Promise<void>;
  clock: Clock;
  newId(): string;
  log?: (e: Record<string, unknown>) => void;
  /** A gap must be this old before the first request: records announced by a heartbeat may still be in flight. */
  graceMs?: number;
  /** Delay before the 2nd request; doubles per request up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Requests without the records arriving before `records-missing` is raised. */
  alarmAfter?: number;
  /** Ranges asked for per device and request (the oldest first). */
  maxRanges?: number;
}

interface DeviceState {
  firstSeen: number;
  attempts: number;
  nextAt: number;
  alarmed: boolean;
  /** Why the last request did not help, from the gateway's reply. */
  why: string | null;
  gaps: SeqGap[];
  /** When the last request went out (0: none yet) and what it asked for. */
  lastAt: number;
  ranges: string;
}

export interface RecoveryTick {
  devices: number;
  missing: number;
  requests: number;
  alarms: number;
}

const size = (g: SeqGap): number => g.to - g.from + 1;

export class Recovery {
  private readonly state = new Map<string, DeviceState>();
  private readonly sent = new Map<string, { device: string; gap: SeqGap }>();
  private readonly log: (e: Record<string, unknown>) => void;
  private restored = false;

  constructor(private readonly o: RecoveryOptions) {
    this.log = o.log ?? (() => undefined);
  }

  /** One pass: re-reads what is missing, asks where due, raises or clears alarms. */
  async tick(): Promise<RecoveryTick> {
    const now = this.o.clock.now();
    if (!this.restored) await this.restore();
    const report = await this.o.store.chainReport();
    const byDevice = new Map<string, SeqGap[]>();
    for (const g of report.gaps) {
      const l = byDevice.get(g.device);
      if (l) l.push(g);
      else byDevice.set(g.device, [g]);
    }
    const out: RecoveryTick = { devices: byDevice.size, missing: report.gaps.reduce((n, g) => n + size(g), 0), requests: 0, alarms: 0 };
    for (const [device, st] of this.state) {
      if (byDevice.has(device)) continue;
      this.state.delete(device);
      await this.o.store.clearResendRequest(device);
      if (st.alarmed) {
        const from = Math.min(...st.gaps.map((g) => g.from));
        const to = Math.max(...st.gaps.map((g) => g.to));
        await this.o.store.addAlarm({ at: now, device, kind: 'recovered', fromSeq: from, toSeq: to, detail: `every record up to the announced tail is stored, after ${st.attempts} resend request(s)` });
      }
      this.log({ event: 'recovered', device, requests: st.attempts });
    }
    const graceMs = this.o.graceMs ?? 60_000;
    for (const [device, gaps] of byDevice) {
      let st = this.state.get(device);
      if (!st) this.state.set(device, (st = { firstSeen: now, attempts: 0, nextAt: now + graceMs, alarmed: false, why: null, gaps, lastAt: 0, ranges: '' }));
      st.gaps = gaps;
      if (now < st.nextAt) continue;
      for (const gap of gaps.slice(0, this.o.maxRanges ?? 20)) {
        const cmd: SeqResendCommand = { id: this.o.newId(), type: 'resend', fromSeq: gap.from, toSeq: gap.to };
        this.sent.set(cmd.id, { device, gap });
        try {
          await this.o.publish(device, cmd);
          out.requests++;
        } catch (e) {
          st.why = `the resend request could not be published: ${(e as Error).message}`;
        }
      }
      st.attempts++;
      st.nextAt = now + Math.min((this.o.backoffMs ?? 30_000) * 2 ** (st.attempts - 1), this.o.maxBackoffMs ?? 3600_000);
      const ranges = gaps.map((g) => `${g.from}..${g.to}`).join(',');
      await this.persist(device, st, now, ranges);
      this.log({ event: 'resend-requested', device, ranges, attempt: st.attempts });
      if (!st.alarmed && (st.attempts >= (this.o.alarmAfter ?? 5) || st.why !== null)) {
        await this.raise(device, st, now);
        out.alarms++;
      }
    }
    if (this.sent.size > 10_000) this.sent.clear(); // replies that never came
    return out;
  }

  /** A gateway's reply to a command; a short or failed answer to one of ours explains the gap at once. */
  async onReply(device: string, reply: unknown): Promise<void> {
    const r = reply as { id?: unknown; type?: unknown; records?: unknown; error?: unknown } | null;
    if (!r || typeof r.id !== 'string') return;
    const req = this.sent.get(r.id);
    if (!req || req.device !== device) return;
    this.sent.delete(r.id);
    const want = size(req.gap);
    let why: string | null = null;
    if (r.type === 'error') why = `the gateway refused resend of seq ${req.gap.from}..${req.gap.to}: ${String(r.error)}`;
    else if (typeof r.records === 'number' && r.records < want) {
      why = `the gateway holds only ${r.records} of the ${want} records seq ${req.gap.from}..${req.gap.to} (past its retention, or never sealed)`;
    }
    const st = this.state.get(device);
    if (!why || !st) return;
    st.why = why;
    await this.persist(device, st, this.o.clock.now());
    if (!st.alarmed) await this.raise(device, st, this.o.clock.now());
  }

  /** Takes over the request state a previous collector left in the store. */
  private async restore(): Promise<void> {
    this.restored = true;
    const alarmAfter = this.o.alarmAfter ?? 5;
    for (const r of await this.o.store.listResendRequests()) {
      // The ranges last asked for stand in for the gaps until the next chain report replaces them.
      const gaps = r.ranges.split(',').filter(Boolean).map((x): SeqGap => {
        const [from, to] = x.split('..').map(Number) as [number, number];
        return { device: r.device, from, to, where: 'between' };
      });
      this.state.set(r.device, { firstSeen: r.firstAt, attempts: r.attempts, nextAt: r.nextAt, alarmed: r.attempts >= alarmAfter || r.why !== null, why: r.why, gaps, lastAt: r.lastAt, ranges: r.ranges });
    }
  }

  private async persist(device: string, st: DeviceState, now: number, ranges?: string): Promise<void> {
    if (ranges !== undefined) {
      st.lastAt = now;
      st.ranges = ranges;
    }
    const r: ResendRequest = { device, ranges: st.ranges, firstAt: st.firstSeen, lastAt: st.lastAt, nextAt: st.nextAt, attempts: st.attempts, why: st.why };
    await this.o.store.noteResendRequest(r);
  }

  private async raise(device: string, st: DeviceState, now: number): Promise<void> {
    st.alarmed = true;
    const from = Math.min(...st.gaps.map((g) => g.from));
    const to = Math.max(...st.gaps.map((g) => g.to));
    const missing = st.gaps.reduce((n, g) => n + size(g), 0);
    const detail =
      `${missing} record(s) missing in seq ${from}..${to} (${st.gaps.map((g) => `${g.from}..${g.to} ${g.where}`).join(', ')}) ` +
      `after ${st.attempts} resend request(s) over ${Math.round((now - st.firstSeen) / 1000)} s: ${st.why ?? 'the gateway did not send them (offline, or not answering)'}; still asking`;
    await this.o.store.addAlarm({ at: now, device, kind: 'records-missing', fromSeq: from, toSeq: to, detail });
    this.log({ event: 'alarm', kind: 'records-missing', device, detail });
  }
}
