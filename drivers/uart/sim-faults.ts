// Fault injection shared by the UART chip and IEC 62056-21 simulators (rates from a FaultSpec).
import type { FaultSpec } from '../catalog.js';

export type FaultKind = 'timeout' | 'checksum' | 'garbage' | null;

/** Draws at most one fault for a request from the rates in a FaultSpec. */
export function drawFault(f: FaultSpec, rnd: () => number): FaultKind {
  if (f.timeoutRate && rnd() < f.timeoutRate) return 'timeout';
  if (f.crcErrorRate && rnd() < f.crcErrorRate) return 'checksum';
  if (f.garbageRate && rnd() < f.garbageRate) return 'garbage';
  return null;
}

export function garbage(rnd: () => number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
}

/** Flips the last byte (the checksum in every UART chip frame here) so the frame fails its check. */
export function corruptChecksum(frame: Uint8Array): Uint8Array {
  const f = frame.slice();
  f[f.length - 1] = f[f.length - 1]! ^ 0x5a;
  return f;
}

/** A polled chip's reply under a drawn fault: checksum flipped, or random bytes of the same length instead. */
export function damagedReply(reply: Uint8Array, fault: FaultKind, rnd: () => number): Uint8Array {
  if (fault === 'checksum') return corruptChecksum(reply);
  if (fault === 'garbage') return garbage(rnd, reply.length);
  return reply;
}
