// A small file beside the store that remembers, across a crash, that store writes were failing: the alarm that
// records the failure can only be written once space returns, possibly by a later process (SIGKILL or power cut on
// a full disk). The file is allocated while space exists and then only overwritten in place, which needs no new
// blocks on an ordinary file system; every write is best effort and never fails the caller.
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';

const SIZE = 512;

export class FaultMarker {
  private constructor(private readonly path: string | null) {}

  /** Opens (allocating if needed) the marker at `path`; a marker that cannot be allocated does nothing. */
  static open(path: string): FaultMarker {
    try {
      const fd = openSync(path, 'a+');
      try {
        const have = readFileSync(path).length;
        if (have < SIZE) writeSync(fd, Buffer.alloc(SIZE - have, 0x20));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return new FaultMarker(path);
    } catch {
      return new FaultMarker(null);
    }
  }

  /** What was last written, or null (none, cleared, unreadable). */
  read<T>(): T | null {
    if (!this.path) return null;
    try {
      const text = readFileSync(this.path, 'utf8').trim();
      return text ? (JSON.parse(text) as T) : null;
    } catch {
      return null;
    }
  }

  write(value: unknown): void {
    const text = value === null ? '' : JSON.stringify(value);
    if (!this.path || Buffer.byteLength(text) > SIZE) return;
    try {
      const fd = openSync(this.path, 'r+');
      try {
        writeSync(fd, Buffer.from(text.padEnd(SIZE, ' ')), 0, SIZE, 0);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch {
      // Best effort: the alarm is then raised from memory only (lost if this process dies before space returns).
    }
  }

  clear(): void {
    this.write(null);
  }
}
