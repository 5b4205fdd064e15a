// Issue 9: `amsgate collect` with an unreachable broker at start exits 3 with the reason after a bounded retry,
// instead of logging for ever. connect.test.ts sets --connect-attempts; this one gives no option, so the bound is
// the default one an operator gets (5 attempts, `amsgate collect --help`).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempSqlite } from './helpers.js';
import { closedPort } from '../../helpers/closed-port.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

test('collect with no --connect-attempts still gives up: exit 3 naming the broker, the attempts and the cause', async () => {
  const { path, cleanup } = await tempSqlite();
  try {
    const url = `mqtt://127.0.0.1:${await closedPort()}`;
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'host-cli', 'main.ts'), 'collect', '--broker', url, '--db', path], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => void (err += d.toString()));
    // The guard only turns "runs for ever" into a failure instead of a hung suite; the bound itself is the exit.
    const code = await new Promise<number | null>((resolve) => {
      const guard = setTimeout(() => (child.kill('SIGKILL'), resolve(null)), 60_000);
      child.once('exit', (c) => (clearTimeout(guard), resolve(c)));
    });
    assert.is(code, 3, `exit code (null = still trying after 60 s); stderr: ${err}`);
    assert.ok(err.includes(url), err);
    assert.match(err, /5 connection attempts failed \(last: .*ECONNREFUSED/);
  } finally {
    await cleanup();
  }
});

test.run();
