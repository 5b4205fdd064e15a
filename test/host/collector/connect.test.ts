// The collector's connection: an unreachable broker at start is exit 3 with the reason after a bounded retry; once
// connected it reconnects for ever, the delay doubling up to a ceiling, and picks up the stream again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { Collector } from '../../../host-cli/collector/collector.js';
import { startBroker } from './broker.js';
import { registeredDevice, tempSqlite } from './helpers.js';
import { closedPort } from '../../helpers/closed-port.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

test('amsgate collect with an unreachable broker exits 3 with the reason after its connection attempts', async () => {
  const { path, cleanup } = await tempSqlite();
  try {
    const port = await closedPort();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'host-cli', 'main.ts'), 'collect', '--broker', `mqtt://127.0.0.1:${port}`, '--db', path, '--connect-attempts', '3'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => void (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 60_000);
      child.once('exit', (c) => {
        clearTimeout(t);
        resolve(c);
      });
    });
    assert.is(code, 3, `exit code (null = still running after 60 s); stderr: ${err}`);
    assert.match(err, /cannot connect and subscribe at mqtt:\/\/127\.0\.0\.1:\d+: 3 connection attempts failed \(last: .*ECONNREFUSED/);
  } finally {
    await cleanup();
  }
});

test('once connected, the collector reconnects for ever with a doubling delay and collects again', async () => {
  const port = await closedPort();
  let broker = await startBroker(port);
  const { store, cleanup } = await tempSqlite();
  const dev = await registeredDevice(store, 'gw-re');
  const errors: number[] = [];
  const col = new Collector({
    broker: `mqtt://127.0.0.1:${port}`, store, protocolVersion: 4, shared: false, clientId: 'col-re', reconnectMinMs: 50, reconnectMaxMs: 400,
    log: (e) => { if (e.event === 'mqtt-error') errors.push(Date.now()); },
  });
  try {
    await col.start();
    await broker.close();
    const t0 = Date.now();
    while (errors.length < 7 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 20));
    assert.ok(errors.length >= 7, `attempts seen: ${errors.length}`);
    const gaps = errors.slice(1).map((t, i) => t - errors[i]!);
    // 50, 100, 200, 400, 400, ... ms (timer granularity and load add a little, never take away).
    const expected = [50, 100, 200, 400, 400, 400];
    gaps.slice(0, 6).forEach((g, i) => assert.ok(g >= expected[i]! - 5, `attempt ${i + 2} came ${g} ms after the previous one; expected >= ${expected[i]} ms (${gaps.join(', ')})`));
    assert.ok(gaps.slice(0, 6).every((g, i) => g < expected[i]! + 1000), `delays ${gaps.join(', ')} stay near ${expected.join(', ')}`);
    broker = await startBroker(port);
    const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { protocolVersion: 4 });
    const rec = dev.interval({ start: Date.parse('2026-06-01T00:00:00Z'), energyWh: 1 }).compact;
    const t1 = Date.now();
    // The same record until it is stored: the subscription comes back once the collector has reconnected.
    while ((await store.counts()).intervals === 0 && Date.now() - t1 < 10_000) {
      await pub.publishAsync('amsgate/v1/gw-re/interval', rec, { qos: 1 });
      await new Promise((r) => setTimeout(r, 100));
    }
    await pub.endAsync();
    assert.is((await store.counts()).intervals, 1);
  } finally {
    await col.stop();
    await broker.close();
    await cleanup();
  }
});

test.run();
