// Runs async jobs one after another: a bus carries one Modbus transaction at a time.
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private depth = 0;

  run<T>(job: () => Promise<T>): Promise<T> {
    this.depth++;
    const result = this.tail.then(job);
    const done = () => {
      this.depth--;
    };
    this.tail = result.then(done, done);
    return result;
  }

  /** Jobs queued or running. */
  get pending(): number {
    return this.depth;
  }

  /** Resolves when every job queued so far has settled. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
