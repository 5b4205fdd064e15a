// Turns a FaultSpec into what happens to one reply. Draws always happen in the same order with the
// injected random, so a seeded random gives the same fault sequence every run.
import type { FaultSpec } from '../catalog.js';
import { slowDelayMs } from '../sim/slow-reply.js';

export interface ReplyFault {
  /** Send nothing (the master times out). */
  drop: boolean;
  /** Answer with this exception code instead of the data. */
  exceptionCode: number | null;
  /** Corrupt the CRC (RTU only; TCP has none). */
  badCrc: boolean;
  /** Random bytes before the reply, or instead of it. */
  garbage: 'none' | 'before' | 'instead';
  /** Extra ms before the reply goes out (a slow device). */
  delayMs: number;
}

export function drawFault(f: FaultSpec | undefined, random: () => number): ReplyFault {
  const hit = (rate: number | undefined) => rate !== undefined && rate > 0 && random() < rate;
  const drop = hit(f?.timeoutRate);
  const badCrc = hit(f?.crcErrorRate);
  const garbage = hit(f?.garbageRate) ? (random() < 0.5 ? 'before' : 'instead') : 'none';
  return { drop, exceptionCode: f?.exceptionCode ?? null, badCrc, garbage, delayMs: slowDelayMs(f, random) };
}

/** 1..8 random bytes. */
export function garbageBytes(random: () => number): Uint8Array {
  const n = 1 + Math.floor(random() * 8);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(random() * 256);
  return b;
}
