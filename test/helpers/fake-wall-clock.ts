// A wall clock that a test can step under a running child process: libfaketime preloaded, its offset read from a
// file on every clock read (FAKETIME_TIMESTAMP_FILE + FAKETIME_NO_CACHE), the monotonic clock left alone
// (FAKETIME_DONT_FAKE_MONOTONIC) as on a real machine whose wall clock is stepped by NTP or by hand.
// Missing libfaketime is a failure with the install command, never a skip (.ci/provision.sh ci installs it).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function findLibrary(): string | null {
  const dirs = ['/usr/lib/faketime', '/usr/local/lib/faketime', '/usr/lib64/faketime'];
  if (existsSync('/usr/lib')) for (const d of readdirSync('/usr/lib')) if (d.endsWith('-linux-gnu')) dirs.push(join('/usr/lib', d, 'faketime'));
  for (const d of dirs) {
    const f = join(d, 'libfaketime.so.1');
    if (existsSync(f)) return f;
  }
  return null;
}

export class FakeWallClock {
  private offsetS = 0;
  private constructor(
    readonly library: string,
    readonly file: string,
  ) {
    this.write();
  }

  /** Throws, naming the package to install, when libfaketime is missing or does not take effect in Node. */
  static create(dir: string): FakeWallClock {
    const lib = process.env.AMSGATE_LIBFAKETIME ?? findLibrary();
    if (!lib || !existsSync(lib)) {
      throw new Error('libfaketime.so.1 not found (looked in /usr/lib/*/faketime, /usr/lib/faketime, /usr/local/lib/faketime; AMSGATE_LIBFAKETIME overrides): ' +
        'the clock-step scenarios need it: apt-get install faketime (or bash .ci/provision.sh ci)');
    }
    const c = new FakeWallClock(lib, join(dir, 'faketime.rc'));
    c.set(1000);
    const seen = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(Date.now()))'], { env: { ...process.env, ...c.env() } }).toString());
    const real = Date.now(); // a moment after the child read its clock
    c.set(0);
    if (!(Math.abs(seen - real - 1_000_000) < 5_000)) {
      throw new Error(`libfaketime at ${lib} did not move Node's wall clock (+1000 s asked, ${((seen - real) / 1000).toFixed(1)} s seen): LD_PRELOAD is not honoured here`);
    }
    return c;
  }

  /** Environment for a child process whose wall clock follows this offset. */
  env(): Record<string, string> {
    return {
      LD_PRELOAD: this.library,
      FAKETIME_TIMESTAMP_FILE: this.file,
      FAKETIME_NO_CACHE: '1',
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
    };
  }

  /** Sets the wall clock `seconds` (fractions allowed) ahead of real time, or behind when negative. */
  set(seconds: number): void {
    this.offsetS = seconds;
    this.write();
  }

  /** Steps the wall clock by `seconds` from where it is. */
  step(seconds: number): void {
    this.set(this.offsetS + seconds);
  }

  get offsetSeconds(): number {
    return this.offsetS;
  }

  private write(): void {
    // Written aside and renamed: libfaketime re-reads the file on every clock read and must never see it half written.
    const s = this.offsetS;
    writeFileSync(`${this.file}.new`, `${s < 0 ? '-' : '+'}${Math.abs(s).toFixed(3)}\n`);
    renameSync(`${this.file}.new`, this.file);
  }
}
