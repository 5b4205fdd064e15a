// Property tests: every valid request and response survives encode -> decode on both framings, and CRC-16
// catches every single-bit error and every burst up to 16 bits in a frame.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { AmsgateError, FrameError } from '../../../drivers/errors.js';
import { decodeMbapRequest, decodeMbapResponse, encodeMbapFrame, encodeMbapRequest } from '../../../drivers/modbus/mbap.js';
import { encodeResponsePdu, type ModbusRequest } from '../../../drivers/modbus/pdu.js';
import { decodeRtuRequest, decodeRtuResponse, encodeRtuFrame, encodeRtuRequest, rtuRequestLength, rtuResponseLength } from '../../../drivers/modbus/rtu-frame.js';

const u16 = fc.integer({ min: 0, max: 0xffff });
// fc.record builds null-prototype objects; spread them into plain ones so deep equality compares like with like.
const request: fc.Arbitrary<ModbusRequest> = fc.oneof(
  fc
    .record({ fc: fc.constantFrom(3 as const, 4 as const), count: fc.integer({ min: 1, max: 125 }), address: u16 })
    .map((r) => ({ ...r, address: Math.min(r.address, 0x10000 - r.count) })),
  fc.record({ fc: fc.constant(6 as const), address: u16, value: u16 }),
  fc
    .array(u16, { minLength: 1, maxLength: 123 })
    .chain((values) => fc.record({ fc: fc.constant(16 as const), address: fc.integer({ min: 0, max: 0x10000 - values.length }), values: fc.constant(values) })),
).map((r) => ({ ...r }) as ModbusRequest);
const unit = fc.integer({ min: 1, max: 247 });

test('requests round-trip through RTU and MBAP framing; predicted lengths match', () => {
  fc.assert(
    fc.property(unit, request, u16, (u, req, tid) => {
      const rtu = encodeRtuRequest(u, req);
      assert.equal(decodeRtuRequest(rtu), { unit: u, request: req });
      assert.is(rtuRequestLength(rtu), rtu.length);
      assert.equal(decodeMbapRequest(encodeMbapRequest(tid, u, req)), { transactionId: tid, unit: u, request: req });
    }),
    { numRuns: 2000 },
  );
});

test('responses round-trip and match their request', () => {
  fc.assert(
    fc.property(unit, request, u16, fc.array(u16, { minLength: 125, maxLength: 125 }), (u, req, tid, regs) => {
      const pdu = encodeResponsePdu(req, req.fc === 3 || req.fc === 4 ? regs.slice(0, req.count) : undefined);
      const frame = encodeRtuFrame(u, pdu);
      assert.is(rtuResponseLength(frame), frame.length);
      const r = decodeRtuResponse(frame, u, req.fc, req);
      const m = decodeMbapResponse(encodeMbapFrame(tid, u, pdu), { transactionId: tid, unit: u, fc: req.fc, request: req }).response;
      assert.equal(m, r);
      if (r.fc === 3 || r.fc === 4) assert.equal([...r.registers], regs.slice(0, (req as { count: number }).count));
    }),
    { numRuns: 1000 },
  );
});

test('CRC-16 detects every single-bit error and every burst of up to 16 bits', () => {
  fc.assert(
    fc.property(unit, request, fc.nat(), fc.integer({ min: 1, max: 0xffff }), (u, req, pos, burst) => {
      const frame = encodeRtuRequest(u, req);
      const bitPos = pos % (frame.length * 8 - 15);
      const damaged = frame.slice();
      // XOR a non-zero burst pattern spanning at most 16 bits starting at bitPos.
      for (let b = 0; b < 16; b++) {
        if ((burst >> b) & 1) {
          const at = bitPos + b;
          damaged[at >> 3]! ^= 1 << (at & 7);
        }
      }
      try {
        decodeRtuRequest(damaged);
        assert.unreachable('a damaged frame was accepted');
      } catch (e) {
        assert.ok(e instanceof AmsgateError, String(e));
        // The unit id or the function code may have been hit, but the CRC check comes first.
        assert.instance(e, FrameError);
        assert.is((e as FrameError).code, 'rtu-crc');
      }
    }),
    { numRuns: 3000 },
  );
});

test.run();
