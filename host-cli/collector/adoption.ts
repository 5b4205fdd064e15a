// Adoption: a collector takes over the session of a member of its group that has gone offline, until the member
// returns. Mosquitto keeps handing a dead member its turn of the shared subscription (its messages queue in its
// session, beyond the queue limit they are dropped and only a resend brings them back); an adopter connects with the
// member's client id, so the broker delivers that session's messages to it, and is disconnected by the broker (a
// session takeover) when the member itself reconnects. An adopter never reconnects and publishes no presence of its
// own, so a member and its adopter cannot take the session from each other in turn. docs/collector.md "Adoption".
import type { MemberPresence, MemberState } from './member-presence.js';

export interface Adopter {
  stop(): Promise<void>;
  /** Resolves when the adopter's connection has ended (the member took its session back, or the broker went away). */
  closed: Promise<void>;
}

export interface AdoptionOptions {
  /** This collector's own client id (never adopted by itself). */
  self: string;
  /** Connects an adopter for `member`; rejects when there is no session to take over. */
  adopt: (member: string) => Promise<Adopter>;
  log: (e: Record<string, unknown>) => void;
  /**
   * How long a member must have been offline before it is adopted: after a live "offline" (a will or a clean stop) and
   * after a retained one (which may be stale: its member may be reconnecting). Default 10 s both: a member that a
   * service manager restarts within seconds is not adopted, since taking its session back costs the adopter's
   * uncommitted batch (done again by the member; docs/collector.md "Adoption").
   */
  liveDelayMs?: number;
  retainedDelayMs?: number;
}

export class Adoptions {
  private latest = new Map<string, MemberState>();
  private pending = new Map<string, NodeJS.Timeout>();
  private running = new Map<string, Adopter>();
  private stopped = false;

  constructor(private readonly o: AdoptionOptions) {}

  get adopted(): string[] {
    return [...this.running.keys()];
  }

  onPresence(p: MemberPresence, retained: boolean): void {
    if (p.member === this.o.self || this.stopped) return;
    this.latest.set(p.member, p.state);
    if (p.state === 'online') {
      // The broker hands the session back to the member itself: a running adopter is disconnected by it.
      clearTimeout(this.pending.get(p.member));
      this.pending.delete(p.member);
      return;
    }
    if (this.running.has(p.member) || this.pending.has(p.member)) return;
    const ms = retained ? this.o.retainedDelayMs ?? 10_000 : this.o.liveDelayMs ?? 10_000;
    this.pending.set(p.member, setTimeout(() => void this.begin(p.member), ms));
  }

  private async begin(member: string): Promise<void> {
    this.pending.delete(member);
    if (this.stopped || this.latest.get(member) !== 'offline' || this.running.has(member)) return;
    let a: Adopter;
    try {
      a = await this.o.adopt(member);
    } catch (e) {
      this.o.log({ event: 'adopt-failed', member, error: (e as Error).message });
      return;
    }
    // Back while the adopter was connecting (its connection then took the session from the member): hand it back.
    if (this.stopped || this.latest.get(member) === 'online') {
      await a.stop();
      return;
    }
    this.running.set(member, a);
    this.o.log({ event: 'adopting', member });
    void a.closed.then(() => {
      if (this.running.get(member) !== a) return;
      this.running.delete(member);
      this.o.log({ event: 'adoption-ended', member, memberState: this.latest.get(member) ?? 'unknown' });
    });
  }

  /** Stops every adopter (each commits and acknowledges what it has, then disconnects). */
  async stopAll(): Promise<void> {
    this.stopped = true;
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    const all = [...this.running.values()];
    this.running.clear();
    await Promise.all(all.map((a) => a.stop()));
  }
}
