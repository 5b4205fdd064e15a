import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { FrameError } from '../../../drivers/errors.js';
import { rational } from '../../../drivers/rational.js';
import { fromHex, toHex } from '../../../drivers/uart/bytes.js';
import {
  decodeBl0942Packet,
  decodeBl0942RegisterReply,
  decodeBl0942Write,
  encodeBl0942Packet,
  encodeBl0942ReadRequest,
  encodeBl0942RegisterReply,
  encodeBl0942Write,
} from '../../../drivers/uart/bl0942/codec.js';
import { bl0942Instant, bl0942WhPerCount } from '../../../drivers/uart/bl0942/board.js';
import { cse7766Instant, cse7766WhPerCount, decodeCse7766Frame, encodeCse7766Frame } from '../../../drivers/uart/cse7766/codec.js';
import {
  checkAtm90e26WriteAck,
  decodeAtm90e26ReadReply,
  decodeAtm90e26Request,
  encodeAtm90e26Read,
  encodeAtm90e26ReadReply,
  encodeAtm90e26Write,
} from '../../../drivers/uart/atm90e26/codec.js';
import { atm90e26BlockChecksum, atm90e26PowerFactor, encodeAtm90e26PowerFactor } from '../../../drivers/uart/atm90e26/registers.js';
import { atm90e26WhPerCount } from '../../../drivers/uart/atm90e26/board.js';

const load = (name: string) => JSON.parse(readFileSync(new URL(`../../../fixtures/uart/${name}`, import.meta.url), 'utf8'));
const bl = load('bl0942.json');
const cse = load('cse7766.json');
const atm = load('atm90e26.json');

function throwsFrame(fn: () => unknown, code: string, re?: RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, FrameError);
    assert.is((e as FrameError).code, code);
    if (re) assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable(`expected FrameError ${code}`);
}

test('BL0942 packets decode and re-encode byte-exact (fixtures incl. standards.md vector)', () => {
  for (const v of bl.packets) {
    const frame = fromHex(v.hex);
    const p = decodeBl0942Packet(frame, v.addr);
    assert.equal(p, v.decoded, v.name);
    assert.is(toHex(encodeBl0942Packet(p, v.addr)), v.hex, v.name);
  }
});

test('BL0942 standards vector scales to 230 V, 1 A, 230 W, 50 Hz', () => {
  const p = decodeBl0942Packet(fromHex(bl.packets[0].hex));
  const v = bl0942Instant(p);
  assert.ok(Math.abs(v.voltageV - 230) < 0.01);
  assert.ok(Math.abs(v.currentA - 1) < 0.001);
  assert.is(v.powerW, 230);
  assert.is(v.frequencyHz, 50);
  // One pulse = 1638.4 x 256 / PREF J (datasheet CF period) = 419430.4 / (596 x 3600) Wh, exactly.
  assert.equal(bl0942WhPerCount(), rational(4194304n, 596n * 36000n));
});

test('BL0942 rejects bad header, checksum, address and length with FrameError', () => {
  for (const r of bl.rejected) throwsFrame(() => decodeBl0942Packet(fromHex(r.hex), r.addr), r.code);
  throwsFrame(() => decodeBl0942Packet(fromHex(bl.rejected[0].hex)), 'checksum', /expected 0xC0/);
});

test('BL0942 requests, register reads and writes', () => {
  for (const r of bl.requests) assert.is(toHex(encodeBl0942ReadRequest(r.reg, r.addr)), r.hex);
  for (const w of bl.writes) {
    assert.is(toHex(encodeBl0942Write(w.reg, w.value, w.addr)), w.hex);
    assert.equal(decodeBl0942Write(fromHex(w.hex)), { addr: w.addr, reg: w.reg, value: w.value });
  }
  for (const r of bl.registerReplies) {
    assert.is(toHex(encodeBl0942RegisterReply(r.reg, r.value, r.addr)), r.hex);
    assert.is(decodeBl0942RegisterReply(fromHex(r.hex), r.reg, r.addr), r.value);
    throwsFrame(() => decodeBl0942RegisterReply(fromHex(r.hex), r.reg + 1, r.addr), 'checksum');
  }
  assert.throws(() => encodeBl0942ReadRequest(0xaa, 4), /0\.\.3/);
});

test('CSE7766 frames decode and re-encode byte-exact; status semantics', () => {
  for (const v of cse.frames) {
    const f = decodeCse7766Frame(fromHex(v.hex));
    for (const [k, val] of Object.entries(v.decoded)) assert.equal((f as any)[k], val, `${v.name}: ${k}`);
    if (v.flags) assert.equal(f.flags, v.flags);
    if (v.instant) {
      const i = cse7766Instant(f);
      for (const [k, val] of Object.entries(v.instant)) assert.ok(Math.abs((i as any)[k] - (val as number)) < 1e-9, `${v.name}: ${k}`);
    }
    if (v.whPerCountNum) assert.equal(cse7766WhPerCount(f.powerCoef), rational(BigInt(v.whPerCountNum), BigInt(v.whPerCountDen)));
    assert.is(toHex(encodeCse7766Frame(f)), v.hex, v.name);
  }
  for (const r of cse.rejected) throwsFrame(() => decodeCse7766Frame(fromHex(r.hex)), r.code);
});

test('ATM90E26 read/write frames, replies, acknowledgements and checksums', () => {
  for (const r of atm.reads) {
    assert.is(toHex(encodeAtm90e26Read(r.addr)), r.hex);
    assert.equal(decodeAtm90e26Request(fromHex(r.hex)), { kind: 'read', addr: r.addr });
  }
  for (const r of atm.replies) {
    assert.is(toHex(encodeAtm90e26ReadReply(r.value)), r.hex);
    assert.is(decodeAtm90e26ReadReply(fromHex(r.hex)), r.value);
  }
  for (const w of atm.writes) {
    assert.is(toHex(encodeAtm90e26Write(w.addr, w.value)), w.hex);
    assert.equal(decodeAtm90e26Request(fromHex(w.hex)), { kind: 'write', addr: w.addr, value: w.value });
    checkAtm90e26WriteAck(fromHex(w.ack), w.addr, w.value);
    throwsFrame(() => checkAtm90e26WriteAck(Uint8Array.of(parseInt(w.ack, 16) ^ 1), w.addr, w.value), 'checksum');
  }
  for (const r of atm.rejectedReplies) throwsFrame(() => decodeAtm90e26ReadReply(fromHex(r.hex)), r.code);
  for (const c of atm.checksums) assert.is(atm90e26BlockChecksum(c.values), c.checksum);
  for (const p of atm.powerFactor) {
    assert.ok(Math.abs(atm90e26PowerFactor(p.raw) - p.pf) < 1e-12);
  }
  assert.is(encodeAtm90e26PowerFactor(-0.866), 0x8000 | 866);
  const e = atm.energyScaling;
  assert.equal(atm90e26WhPerCount({ meterConstantImpPerKwh: e.meterConstantImpPerKwh }), rational(BigInt(e.whPerCountNum), BigInt(e.whPerCountDen)), e.source);
});

test.run();
