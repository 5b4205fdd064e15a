import { test } from 'uvu';
import { runInProcess } from '../helpers/in-process-cli.js';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from '../../host-cli/commands/verify.js';

const MAIN = fileURLToPath(new URL('../../host-cli/main.ts', import.meta.url));
const FIX = fileURLToPath(new URL('../../fixtures/records/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'amsgate-verify-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[]) => runInProcess(register, args);

/** A real subprocess, only where standard input matters. */
function cliProcess(args: string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
    child.stdin.end(stdin ?? '');
  });
}

const lines = readFileSync(join(FIX, 'example.jws'), 'utf8').trim().split('\n');

test('the worked example verifies with the PEM and with the JWK', async () => {
  const r = await cli(['verify', join(FIX, 'example.jws'), '--key', join(FIX, 'example.pub.pem')]);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /3 records: 3 ok, 0 failed/);
  const j = await cli(['verify', join(FIX, 'example.jws'), '--key', join(FIX, 'example.pub.jwk.json'), '--json']);
  assert.is(j.code, 0);
  assert.equal(JSON.parse(j.out).results.map((x: { seq: number }) => x.seq), [1, 2, 3]);
});

test('a JSON array on standard input; a dropped record fails with exit 1 and a reason', async () => {
  const r = await cliProcess(['verify', '-', '--key', join(FIX, 'example.pub.pem'), '--json'], JSON.stringify([lines[0], lines[2]]));
  assert.is(r.code, 1);
  const doc = JSON.parse(r.out);
  assert.is(doc.ok, false);
  assert.is(doc.failed, 1);
  assert.is(doc.results[1].code, 'seq-gap');
  assert.is(doc.results[1].reason, 'seq-gap: seq 3 after seq 1; 1 record(s) missing');
});

test('a tampered line is listed in the text table', async () => {
  const [h, p, s] = lines[1]!.split('.');
  const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
  payload.energyWh = 55000;
  payload.energyKwh = '55.000'; // a consistent forgery: only the signature can tell
  const file = join(dir, 'tampered.jws');
  writeFileSync(file, [lines[0], `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`, lines[2]].join('\n'));
  const r = await cli(['verify', file, '--key', join(FIX, 'example.pub.pem')]);
  assert.is(r.code, 1);
  assert.match(r.out, /1\s+2\s+iv\/gw-0001\/charger\/import\/2026-11-22T18:30:00Z\/PT30M\/0\s+bad-signature/);
  assert.match(r.out, /2\s+3\s+al\/gw-0001\/3\s+chain-broken/);
  assert.match(r.out, /3 records: 1 ok, 2 failed/);
});

test('usage errors exit 2: no key, empty input', async () => {
  const noKey = await cli(['verify', join(FIX, 'example.jws')]);
  assert.is(noKey.code, 2);
  assert.match(noKey.err, /no trusted key/);
  const emptyFile = join(dir, 'empty.jws');
  writeFileSync(emptyFile, '\n# nothing\n');
  const empty = await cli(['verify', emptyFile, '--key', join(FIX, 'example.pub.pem')]);
  assert.is(empty.code, 2);
  assert.match(empty.err, /holds no records/);
});

test.run();
