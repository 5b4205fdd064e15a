import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { AmsgateError, ConfigError, FrameError } from '../../../drivers/errors.js';
import { crc16Modbus } from '../../../drivers/modbus/crc16.js';
import { ModbusExceptionError } from '../../../drivers/modbus/exception.js';
import {
  decodeRtuRequest,
  decodeRtuResponse,
  encodeRtuFrame,
  encodeRtuRequest,
  rtuRequestLength,
  rtuResponseLength,
  scanRtuResponse,
} from '../../../drivers/modbus/rtu-frame.js';
import { decodeMbapHeader, decodeMbapRequest, decodeMbapResponse, encodeMbapFrame, encodeMbapRequest } from '../../../drivers/modbus/mbap.js';
import { decodeRequestPdu, encodeExceptionPdu, encodeRequestPdu, encodeResponsePdu, type ModbusRequest } from '../../../drivers/modbus/pdu.js';

const vectors = JSON.parse(readFileSync(new URL('../../../fixtures/modbus/vectors.json', import.meta.url), 'utf8'));
const bytes = (h: string): Uint8Array => Uint8Array.from(h.split(' '), (x) => parseInt(x, 16));

function throwsNamed(fn: () => unknown, cls: Function, code?: string): AmsgateError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    if (code) assert.is((e as AmsgateError).code, code, (e as Error).message);
    return e as AmsgateError;
  }
  assert.unreachable(`expected ${cls.name}`);
  throw new Error('unreachable');
}

test('CRC-16/Modbus of the standard check string "123456789" is 0x4B37', () => {
  assert.is(crc16Modbus(new TextEncoder().encode('123456789')), 0x4b37);
});

test('standards.md 4.1 frames are byte-exact', () => {
  assert.equal([...encodeRtuRequest(1, { fc: 4, address: 0, count: 2 })], [...bytes('01 04 00 00 00 02 71 CB')]);
  assert.equal([...encodeRtuRequest(1, { fc: 4, address: 0x48, count: 2 })], [...bytes('01 04 00 48 00 02 F1 DD')]);
  const r = decodeRtuResponse(encodeRtuFrame(1, Uint8Array.of(4, 4, 0x43, 0x66, 0, 0)), 1, 4);
  assert.ok(r.fc === 4);
  if (r.fc === 4) {
    const dv = new DataView(new ArrayBuffer(4));
    dv.setUint16(0, r.registers[0]!);
    dv.setUint16(2, r.registers[1]!);
    assert.is(dv.getFloat32(0, false), 230);
  }
});

test('every frame vector names its source', () => {
  for (const k of ['rtu', 'rtuInvalid', 'tcp', 'tcpInvalid']) for (const v of vectors[k]) assert.ok(typeof v.source === 'string' && v.source.length > 10, `${k}: ${v.name}`);
});

for (const v of vectors.rtu) {
  test(`RTU vector: ${v.name}`, () => {
    const frame = bytes(v.hex);
    if (v.kind === 'request') {
      assert.equal([...encodeRtuRequest(v.unit, v.request)], [...frame]);
      assert.equal(decodeRtuRequest(frame), { unit: v.unit, request: v.request });
      assert.is(rtuRequestLength(frame), frame.length);
    } else if (v.kind === 'response') {
      const req: ModbusRequest | undefined = undefined;
      const r = decodeRtuResponse(frame, v.unit, v.fc, req) as Record<string, unknown>;
      if (v.registers) assert.equal([...(r.registers as Uint16Array)], v.registers);
      else assert.equal(r, { fc: v.fc, address: v.address, ...(v.fc === 6 ? { value: v.value } : { count: v.count }) });
      assert.is(rtuResponseLength(frame), frame.length);
    } else {
      const e = throwsNamed(() => decodeRtuResponse(frame, v.unit, v.fc), ModbusExceptionError, 'modbus-exception') as ModbusExceptionError;
      assert.is(e.exceptionCode, v.exceptionCode);
      assert.is(e.exceptionName, v.exceptionName);
      assert.ok(e.message.includes(v.exceptionName));
      assert.equal([...encodeRtuFrame(v.unit, encodeExceptionPdu(v.fc, v.exceptionCode))], [...frame]);
      assert.is(rtuResponseLength(frame), frame.length);
    }
  });
}

for (const v of vectors.rtuInvalid) {
  test(`RTU rejects: ${v.name}`, () => {
    const e = throwsNamed(() => decodeRtuResponse(bytes(v.hex), v.unit, v.fc), FrameError, v.errorCode);
    assert.ok(/expected/.test(e.message), e.message);
  });
}

test('CRC error message says what was received and what was expected', () => {
  const e = throwsNamed(() => decodeRtuResponse(bytes('01 04 04 43 66 00 00 00 00'), 1, 4), FrameError, 'rtu-crc');
  assert.match(e.message, /received; expected 0x/);
});

for (const v of vectors.tcp) {
  test(`MBAP vector: ${v.name}`, () => {
    const frame = bytes(v.hex);
    if (v.kind === 'request') {
      assert.equal([...encodeMbapRequest(v.transactionId, v.unit, v.request)], [...frame]);
      assert.equal(decodeMbapRequest(frame), { transactionId: v.transactionId, unit: v.unit, request: v.request });
    } else if (v.kind === 'response') {
      const r = decodeMbapResponse(frame, { transactionId: v.transactionId, unit: v.unit, fc: v.fc });
      assert.equal([...(r.response as { registers: Uint16Array }).registers], v.registers);
      throwsNamed(() => decodeMbapResponse(frame, { transactionId: v.transactionId + 1, unit: v.unit, fc: v.fc }), FrameError, 'mbap-tid-mismatch');
    } else {
      const e = throwsNamed(() => decodeMbapResponse(frame, { unit: v.unit, fc: v.fc }), ModbusExceptionError) as ModbusExceptionError;
      assert.is(e.exceptionCode, v.exceptionCode);
      assert.equal([...encodeMbapFrame(v.transactionId, v.unit, encodeExceptionPdu(v.fc, v.exceptionCode))], [...frame]);
    }
  });
}

for (const v of vectors.tcpInvalid) {
  test(`MBAP rejects: ${v.name}`, () => {
    throwsNamed(() => decodeMbapRequest(bytes(v.hex)), FrameError, v.errorCode);
  });
}

test('request validation: counts 1..125 read, 1..123 write, address range', () => {
  throwsNamed(() => encodeRequestPdu({ fc: 3, address: 0, count: 0 }), ConfigError, 'modbus-count');
  throwsNamed(() => encodeRequestPdu({ fc: 3, address: 0, count: 126 }), ConfigError, 'modbus-count');
  encodeRequestPdu({ fc: 3, address: 0, count: 125 });
  throwsNamed(() => encodeRequestPdu({ fc: 16, address: 0, values: new Array(124).fill(0) }), ConfigError, 'modbus-count');
  encodeRequestPdu({ fc: 16, address: 0, values: new Array(123).fill(0) });
  throwsNamed(() => encodeRequestPdu({ fc: 4, address: 65535, count: 2 }), ConfigError, 'modbus-address');
  throwsNamed(() => encodeRequestPdu({ fc: 6, address: 0, value: 65536 }), ConfigError, 'modbus-value');
  throwsNamed(() => encodeRequestPdu({ fc: 5 } as unknown as ModbusRequest), ConfigError, 'modbus-fc');
});

test('server-side request decoding maps bad requests to the exception code to answer', () => {
  assert.is((throwsNamed(() => decodeRequestPdu(Uint8Array.of(1, 0, 0, 0, 1)), ModbusExceptionError) as ModbusExceptionError).exceptionCode, 1);
  assert.is((throwsNamed(() => decodeRequestPdu(Uint8Array.of(3, 0, 0, 0, 126)), ModbusExceptionError) as ModbusExceptionError).exceptionCode, 3);
  assert.is((throwsNamed(() => decodeRequestPdu(Uint8Array.of(4, 0xff, 0xff, 0, 2)), ModbusExceptionError) as ModbusExceptionError).exceptionCode, 2);
  assert.is((throwsNamed(() => decodeRequestPdu(Uint8Array.of(16, 0, 0, 0, 2, 2, 0, 0)), ModbusExceptionError) as ModbusExceptionError).exceptionCode, 3);
  throwsNamed(() => decodeRequestPdu(Uint8Array.of(3, 0, 0)), FrameError, 'modbus-pdu-length');
  const req = { fc: 16 as const, address: 7, values: [1, 2] };
  assert.equal([...encodeResponsePdu(req)], [16, 0, 7, 0, 2]);
});

test('FC 06/16 responses must echo the request', () => {
  const frame = encodeRtuFrame(1, Uint8Array.of(6, 0, 1, 0, 4));
  throwsNamed(() => decodeRtuResponse(frame, 1, 6, { fc: 6, address: 1, value: 3 }), FrameError, 'modbus-echo');
  const ok = encodeRtuFrame(1, Uint8Array.of(4, 2, 0, 1));
  throwsNamed(() => decodeRtuResponse(ok, 1, 4, { fc: 4, address: 0, count: 2 }), FrameError, 'modbus-byte-count');
});

test('scanRtuResponse skips garbage and damaged candidates', () => {
  const good = encodeRtuFrame(1, Uint8Array.of(4, 4, 0x43, 0x66, 0, 0));
  const damaged = good.slice();
  damaged[4] ^= 0xff;
  const buf = Uint8Array.from([0xff, 0x01, 0x04, 0x02, ...damaged, 0x00, ...good]);
  const s = scanRtuResponse(buf, 1, 4);
  assert.is(s.kind, 'frame');
  if (s.kind === 'frame') assert.equal([...buf.subarray(s.start, s.end)], [...good]);
  assert.equal(scanRtuResponse(damaged, 1, 4), { kind: 'none', damaged: 1 });
  assert.equal(scanRtuResponse(good.subarray(0, 6), 1, 4), { kind: 'none', damaged: 0 });
});

test('MBAP header waits for 7 bytes', () => {
  assert.is(decodeMbapHeader(Uint8Array.of(0, 1, 0, 0, 0, 6)), null);
  assert.is(decodeMbapHeader(Uint8Array.of(0, 1, 0, 0, 0, 6, 1))!.frameLength, 12);
});

test('random inputs only ever raise AmsgateError subclasses', () => {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const fns: ((b: Uint8Array) => unknown)[] = [
    (b) => decodeRtuResponse(b, 1, [3, 4, 6, 16][b.length % 4]!),
    (b) => decodeRtuRequest(b),
    (b) => decodeMbapRequest(b),
    (b) => decodeMbapResponse(b, { unit: b[6] ?? 1, fc: 3 }),
    (b) => decodeMbapHeader(b),
    (b) => scanRtuResponse(b, 1, 4),
    (b) => decodeRequestPdu(b),
  ];
  for (let i = 0; i < 20000; i++) {
    const len = Math.floor(rnd() * 40);
    const b = new Uint8Array(len);
    for (let k = 0; k < len; k++) b[k] = Math.floor(rnd() * 256);
    // Bias towards plausible frames so deep paths run.
    if (len > 2 && rnd() < 0.5) {
      b[0] = 1;
      b[1] = [3, 4, 6, 16, 0x83, 0x84][Math.floor(rnd() * 6)]!;
    }
    for (const fn of fns) {
      try {
        fn(b);
      } catch (e) {
        if (!(e instanceof AmsgateError)) throw new Error(`non-Amsgate error ${(e as Error).name} on ${[...b]}: ${(e as Error).message}`);
      }
    }
  }
  for (const junk of [null, undefined, 'x', 42, {}, [1, 2, 3]]) {
    throwsNamed(() => decodeRtuResponse(junk as unknown as Uint8Array, 1, 4), FrameError, 'modbus-input');
    throwsNamed(() => decodeMbapRequest(junk as unknown as Uint8Array), FrameError, 'modbus-input');
  }
  throwsNamed(() => decodeRtuResponse(Uint8Array.of(1, 4, 0), 0, 4), ConfigError);
});

test.run();
