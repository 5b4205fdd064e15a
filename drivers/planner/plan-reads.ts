// The read planner: which Modbus read transactions fetch a set of wanted registers in the fewest requests.
// It knows nothing of meter maps, only addresses and limits, so that it can be property-tested on its own
// (ESPHome #5524 merged three adjacent 125-register ranges into one wrong read of count 119).
//
// Rules: a wanted range is never split across reads (a float's two words read apart could tear); neighbours
// merge; a gap of at most maxGap unwanted registers is read through; a read never exceeds maxCount and never
// touches a hole. Feasibility of "read units i..j together" only shrinks as the group grows, so extending each
// read as far as it will go (greedy) gives the fewest reads.
import type { ReadFunctionCode } from '../modbus-client.js';
import { ConfigError } from '../errors.js';

export interface WantedRange {
  address: number;
  count: number;
}

export interface ReadLimits {
  functionCode: ReadFunctionCode;
  /** Most registers per read (Modbus allows 125). */
  maxCount: number;
  /** Largest run of unwanted registers a read may bridge. */
  maxGap: number;
  /** Inclusive address ranges that must never be read. */
  holes: readonly { from: number; to: number }[];
}

export interface PlannedRead {
  functionCode: ReadFunctionCode;
  address: number;
  count: number;
  /** Indices into the wanted list that this read delivers; every index appears in exactly one read. */
  covers: number[];
}

interface Unit {
  start: number;
  /** Exclusive. */
  end: number;
  members: number[];
}

function touchesHole(from: number, toExclusive: number, holes: ReadLimits['holes']): boolean {
  return holes.some((h) => h.from < toExclusive && from <= h.to);
}

/** Plans the fewest reads covering `wanted` under `limits`; throws ConfigError when no plan can exist. */
export function planReads(wanted: readonly WantedRange[], limits: ReadLimits): PlannedRead[] {
  const { maxCount, maxGap, holes, functionCode } = limits;
  if (!Number.isInteger(maxCount) || maxCount < 1 || maxCount > 125) {
    throw new ConfigError('planner', `maxCount is ${maxCount}; expected an integer 1..125`);
  }
  if (!Number.isInteger(maxGap) || maxGap < 0) throw new ConfigError('planner', `maxGap is ${maxGap}; expected an integer >= 0`);
  wanted.forEach((w, i) => {
    if (!Number.isInteger(w.address) || !Number.isInteger(w.count) || w.count < 1 || w.address < 0 || w.address + w.count > 0x10000) {
      throw new ConfigError('planner', `wanted[${i}] is ${JSON.stringify(w)}; expected address >= 0, count >= 1, end <= 65536`);
    }
    if (touchesHole(w.address, w.address + w.count, holes)) {
      throw new ConfigError('planner', `wanted[${i}] at ${w.address}..${w.address + w.count - 1} lies on a hole; it can never be read`);
    }
  });

  // Overlapping wanted ranges must arrive in one read, so they form one indivisible unit.
  const order = wanted.map((w, i) => ({ ...w, i })).sort((a, b) => a.address - b.address || b.count - a.count);
  const units: Unit[] = [];
  for (const w of order) {
    const last = units[units.length - 1];
    if (last && w.address < last.end) {
      last.end = Math.max(last.end, w.address + w.count);
      last.members.push(w.i);
    } else {
      units.push({ start: w.address, end: w.address + w.count, members: [w.i] });
    }
  }
  for (const u of units) {
    if (u.end - u.start > maxCount) {
      throw new ConfigError('planner', `registers ${u.start}..${u.end - 1} must be read together but exceed maxCount ${maxCount}`);
    }
  }

  const reads: PlannedRead[] = [];
  let cur: Unit | null = null;
  for (const u of units) {
    if (cur && u.start - cur.end <= maxGap && u.end - cur.start <= maxCount && !touchesHole(cur.end, u.start, holes)) {
      cur.end = u.end;
      cur.members.push(...u.members);
      continue;
    }
    if (cur) reads.push({ functionCode, address: cur.start, count: cur.end - cur.start, covers: cur.members.sort((a, b) => a - b) });
    cur = { start: u.start, end: u.end, members: [...u.members] };
  }
  if (cur) reads.push({ functionCode, address: cur.start, count: cur.end - cur.start, covers: cur.members.sort((a, b) => a - b) });
  return reads;
}
