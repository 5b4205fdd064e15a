import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { openPtyPair } from '../../helpers/pty-pair.js';

test('openPtyPair joins two serial ports and close() removes them', async () => {
  const pair = await openPtyPair();
  assert.ok(existsSync(pair.a) && existsSync(pair.b));
  const a = new SerialPort({ path: pair.a, baudRate: 9600 });
  const b = new SerialPort({ path: pair.b, baudRate: 9600 });
  await Promise.all([new Promise((r) => a.once('open', r)), new Promise((r) => b.once('open', r))]);
  const got = new Promise<Buffer>((r) => b.once('data', r));
  a.write(Buffer.from([0x01, 0x04, 0x00]));
  assert.equal([...(await got)], [0x01, 0x04, 0x00]);
  await Promise.all([new Promise((r) => a.close(r)), new Promise((r) => b.close(r))]);
  await pair.close();
  await pair.close();
  assert.not.ok(existsSync(pair.a));
});

test.run();
