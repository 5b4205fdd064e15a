// `amsgate sim cse7766` as a user runs it, whose pty nobody reads: once its writes block on the full line, SIGTERM
// must still end it promptly with exit code 0 (a blocked pty write may not hold the process).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../helpers/wait-for.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Bytes the process has passed to write(2) so far (all its threads): stops growing once its pty writes block. */
const bytesWritten = (pid: number): number => Number(/^wchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? NaN);

test('sim cse7766 with an unread pty exits promptly on SIGTERM, exit code 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-sigterm-'));
  // A path that does not exist: the simulator makes the socat pair itself; nobody ever opens the client end.
  // Frames back to back, no wire timing: the line fills within moments instead of minutes.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'host-cli/main.ts', 'sim', 'cse7766', '--serial', join(dir, 'meter'), '--no-wire-timing', '--frame-interval', '0'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  try {
    await waitFor(() => /listening on serial/.test(out), `the simulator to start: ${out}`, 20_000);
    // Condition "writer blocked": the process keeps streaming until the line is full, then its write count stops.
    let last = -1;
    let quietSince = performance.now();
    await waitFor(
      () => {
        const n = bytesWritten(child.pid!);
        if (n !== last) [last, quietSince] = [n, performance.now()];
        return last > 24 * 100 && performance.now() - quietSince > 1000;
      },
      'the simulator\'s writes to block on the unread line',
      60_000,
    );
    const t0 = performance.now();
    child.kill('SIGTERM');
    const end = await exited;
    const ms = performance.now() - t0;
    assert.equal(end, { code: 0, signal: null }, out);
    assert.ok(ms < 3000, `exit took ${ms.toFixed(0)} ms after SIGTERM; expected promptly (< 3 s)`);
    assert.match(out, /amsgate sim: stopped/);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
