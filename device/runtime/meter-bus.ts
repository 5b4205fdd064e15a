// One user of a meter's connection at a time: the poll loop's reads and the installer console's identity read take
// turns on the gateway's own connection (a serial bus cannot be opened twice). A user that never settles (a hung
// driver) is waited for at most `maxWaitMs` of real time, after which the next one goes ahead.
export class MeterBus {
  private readonly busy = new Map<string, Promise<void>>();

  constructor(private readonly maxWaitMs = 30_000) {}

  /**
   * Waits for the meter's earlier users, then starts `op` and resolves with its (running) work. Nothing awaits between
   * the wait ending and `op` being registered, so two callers can never start together.
   */
  async start<T>(meter: string, op: () => Promise<T>): Promise<{ work: Promise<T> }> {
    const end = Date.now() + this.maxWaitMs;
    for (let p = this.busy.get(meter); p; p = this.busy.get(meter)) {
      const left = end - Date.now();
      if (left <= 0) break;
      let t: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([p.then(() => false), new Promise<boolean>((r) => (t = setTimeout(() => r(true), left)))]);
      clearTimeout(t);
      if (timedOut) break;
    }
    const work = op();
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.busy.set(meter, settled);
    void settled.then(() => {
      if (this.busy.get(meter) === settled) this.busy.delete(meter);
    });
    return { work };
  }
}
