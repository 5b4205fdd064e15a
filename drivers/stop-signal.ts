// A one-shot stop signal that waits can race against. Promise.race([wait, neverSettling]) adds a reaction to the
// long-lived promise on every call and keeps it (with its closure) until that promise settles: in a poll loop
// that is a leak of a few hundred bytes per poll. Here a race unregisters itself when its wait settles.
export class StopSignal {
  private fired = false;
  private readonly waiters = new Set<() => void>();

  get stopped(): boolean {
    return this.fired;
  }

  /** Races still waiting (for tests: 0 once every wait has settled). */
  get pending(): number {
    return this.waiters.size;
  }

  fire(): void {
    if (this.fired) return;
    this.fired = true;
    for (const w of [...this.waiters]) w();
    this.waiters.clear();
  }

  /** Settles as `p` does, or resolves (undefined) at fire(), whichever comes first. */
  race<T>(p: Promise<T>): Promise<T | undefined> {
    if (this.fired) return Promise.resolve(undefined);
    return new Promise<T | undefined>((resolve, reject) => {
      const stop = () => {
        this.waiters.delete(stop);
        resolve(undefined);
      };
      this.waiters.add(stop);
      p.then(
        (v) => {
          this.waiters.delete(stop);
          resolve(v);
        },
        (e: unknown) => {
          this.waiters.delete(stop);
          reject(e);
        },
      );
    });
  }
}
