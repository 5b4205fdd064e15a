// Codec fuzz harness: feeds every frame decoder random and mutated inputs (bit flips, truncation,
// extension, insertion, deletion, splices, and mutations with the checksum repaired so that the parser's
// deeper paths are reached). Only AmsgateError subclasses may come out, and no input may take long.
//   npx tsx bench/fuzz-codecs.ts [inputsPerCodec=1000000] [seed=1]
// The uvu test test/drivers/fuzz-codecs.test.ts runs the same function with a short budget.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AmsgateError } from '../drivers/errors.js';
import { fromHex } from '../drivers/uart/bytes.js';
import { decodeBl0942Packet, decodeBl0942RegisterReply, decodeBl0942Write, bl0942PacketChecksum } from '../drivers/uart/bl0942/codec.js';
import { cse7766Checksum, decodeCse7766Frame } from '../drivers/uart/cse7766/codec.js';
import { Cse7766StreamParser } from '../drivers/uart/cse7766/stream-parser.js';
import { decodeAtm90e26ReadReply, decodeAtm90e26Request } from '../drivers/uart/atm90e26/codec.js';
import { bcc } from '../drivers/iec62056/bcc.js';
import { energyCounts, parseDataBlock } from '../drivers/iec62056/data-block.js';
import { obisCore } from '../drivers/iec62056/obis.js';
import { parseAckOptionSelect, parseIdentification, parseSignOn } from '../drivers/iec62056/messages.js';

export interface FuzzTarget {
  name: string;
  seeds: Uint8Array[];
  decode(input: Uint8Array): unknown;
  /** Repairs the checksum of a mutated frame in place, if the format has one. */
  fixup?(b: Uint8Array): Uint8Array;
}

export interface FuzzResult {
  name: string;
  inputs: number;
  /** Outcome name ('ok' or the error class) -> count. */
  outcomes: Record<string, number>;
  /** Inputs that threw something that is not an AmsgateError (bugs). */
  crashes: { input: string; error: string }[];
  crashCount: number;
  /** Inputs slower than slowMs; `index` rebuilds the whole input with nthInput(target, seed, index). */
  slow: { input: string; ms: number; index: number }[];
  maxMs: number;
  inputsPerSecond: number;
}

export interface FuzzOptions {
  inputsPerTarget: number;
  seed?: number;
  /** An input taking longer than this counts as a hang candidate. */
  slowMs?: number;
  targets?: FuzzTarget[];
  onProgress?: (r: FuzzResult) => void;
  /** Called before each input is decoded (the watchdog records it, to name the input that hangs). */
  beforeInput?: (input: Uint8Array, index: number) => void;
}

/** xorshift32: reproducible runs from a seed. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

const INTERESTING = [0x00, 0x01, 0x02, 0x03, 0x06, 0x0a, 0x0d, 0x21, 0x28, 0x29, 0x2a, 0x2f, 0x55, 0x58, 0x5a, 0x7f, 0x80, 0xaa, 0xf0, 0xfe, 0xff];

function randomBytes(n: number, r: () => number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (r() * 256) | 0;
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** One mutated or random input. */
export function mutate(t: FuzzTarget, r: () => number): Uint8Array {
  const int = (n: number) => (r() * n) | 0;
  const seed = t.seeds[int(t.seeds.length)]!;
  const kind = int(10);
  switch (kind) {
    case 0: // fully random, now and then long
      return randomBytes(int(r() < 0.95 ? 64 : 600), r);
    case 1: {
      // bit flips
      const b = seed.slice();
      for (let k = 1 + int(3); k > 0 && b.length; k--) b[int(b.length)]! ^= 1 << int(8);
      return b;
    }
    case 2: // truncation
      return seed.slice(0, int(seed.length + 1));
    case 3: // extension
      return concat(seed, randomBytes(1 + int(16), r));
    case 4: {
      // insertion of interesting bytes
      const at = int(seed.length + 1);
      const ins = new Uint8Array(1 + int(4));
      for (let i = 0; i < ins.length; i++) ins[i] = INTERESTING[int(INTERESTING.length)]!;
      return concat(seed.subarray(0, at), ins, seed.subarray(at));
    }
    case 5: {
      // deletion
      const at = int(seed.length + 1);
      return concat(seed.subarray(0, at), seed.subarray(at + 1 + int(4)));
    }
    case 6: {
      // splice of two seeds
      const other = t.seeds[int(t.seeds.length)]!;
      return concat(seed.subarray(0, int(seed.length + 1)), other.subarray(int(other.length + 1)));
    }
    default: {
      // interesting byte values, then (mostly) the checksum repaired so that the content is parsed
      const b = seed.slice();
      for (let k = 1 + int(4); k > 0 && b.length; k--) b[int(b.length)] = r() < 0.5 ? INTERESTING[int(INTERESTING.length)]! : int(256);
      return kind >= 8 && t.fixup ? t.fixup(b) : b;
    }
  }
}

const hexOf = (b: Uint8Array) => Buffer.from(b.subarray(0, 80)).toString('hex') + (b.length > 80 ? `...(${b.length} bytes)` : '');

export function fuzzTarget(t: FuzzTarget, o: FuzzOptions): FuzzResult {
  const r = rng((o.seed ?? 1) ^ hashName(t.name));
  const slowMs = o.slowMs ?? 5;
  const res: FuzzResult = { name: t.name, inputs: 0, outcomes: {}, crashes: [], crashCount: 0, slow: [], maxMs: 0, inputsPerSecond: 0 };
  // Stack traces are most of the cost of a thrown error; they are captured again only for a crash.
  const stackLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const candidates: { input: Uint8Array; index: number }[] = [];
  const t0 = performance.now();
  try {
    for (let i = 0; i < o.inputsPerTarget; i++) {
      const input = i < t.seeds.length ? t.seeds[i]! : mutate(t, r);
      o.beforeInput?.(input, i);
      let { outcome, ms } = timed(t, input);
      if (outcome === 'CRASH') {
        res.crashCount++;
        if (res.crashes.length < 5) {
          Error.stackTraceLimit = 10;
          res.crashes.push({ input: hexOf(input), error: crashText(t, input) });
          Error.stackTraceLimit = 0;
        }
      }
      // A garbage collection, compilation or scheduling pause is not a hang: a slow input is timed again
      // now and at the end of the run, and counts only if it stays slow.
      if (ms > slowMs) ms = Math.min(ms, timed(t, input).ms, timed(t, input).ms);
      if (ms > slowMs && candidates.length < 100) candidates.push({ input, index: i });
      else if (ms > res.maxMs) res.maxMs = ms;
      res.outcomes[outcome] = (res.outcomes[outcome] ?? 0) + 1;
      res.inputs++;
    }
    for (const { input, index } of candidates) {
      let ms = Infinity;
      for (let k = 0; k < 5; k++) ms = Math.min(ms, timed(t, input).ms);
      if (ms > res.maxMs) res.maxMs = ms;
      if (ms > slowMs && res.slow.length < 5) res.slow.push({ input: hexOf(input), ms, index });
    }
  } finally {
    Error.stackTraceLimit = stackLimit;
  }
  res.inputsPerSecond = Math.round(res.inputs / ((performance.now() - t0) / 1000));
  return res;
}

function timed(t: FuzzTarget, input: Uint8Array): { outcome: string; ms: number } {
  const s = performance.now();
  let outcome = 'ok';
  try {
    t.decode(input);
  } catch (e) {
    outcome = e instanceof AmsgateError ? e.name : 'CRASH';
  }
  return { outcome, ms: performance.now() - s };
}

function crashText(t: FuzzTarget, input: Uint8Array): string {
  try {
    t.decode(input);
    return 'did not crash when repeated';
  } catch (e) {
    return String((e as Error)?.stack ?? e).split('\n').slice(0, 4).join(' | ');
  }
}

function hashName(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

const fixture = (path: string) => JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url)), 'utf8'));
const latin = (b: Uint8Array) => Buffer.from(b).toString('latin1');

/** The UART chip and IEC 62056-21 decoders. */
export function uartTargets(): FuzzTarget[] {
  const bl = fixture('uart/bl0942.json');
  const cse = fixture('uart/cse7766.json');
  const atm = fixture('uart/atm90e26.json');
  const iec = fixture('iec62056/vectors.json');
  const cseFrames: Uint8Array[] = cse.frames.map((f: { hex: string }) => fromHex(f.hex));
  return [
    {
      name: 'bl0942 packet',
      seeds: bl.packets.map((p: { hex: string }) => fromHex(p.hex)),
      decode: (b) => decodeBl0942Packet(b, 0),
      fixup: (b) => {
        if (b.length === 23) b[22] = bl0942PacketChecksum(b, 0);
        return b;
      },
    },
    {
      name: 'bl0942 register reply/write',
      seeds: [...bl.registerReplies, ...bl.writes].map((p: { hex: string }) => fromHex(p.hex)),
      decode: (b) => (b.length === 6 ? decodeBl0942Write(b) : decodeBl0942RegisterReply(b, 0x19, 0)),
    },
    {
      name: 'cse7766 frame',
      seeds: cseFrames,
      decode: decodeCse7766Frame,
      fixup: (b) => {
        if (b.length === 24) b[23] = cse7766Checksum(b);
        return b;
      },
    },
    {
      name: 'cse7766 stream parser',
      seeds: [Uint8Array.from([...cseFrames[0]!, ...cseFrames[1]!, ...cseFrames[0]!])],
      decode: (b) => {
        const p = new Cse7766StreamParser();
        // Split the input at an arbitrary point, as a serial port would.
        const cut = b.length >> 1;
        p.push(b.subarray(0, cut));
        p.push(b.subarray(cut));
        return p.stats;
      },
    },
    {
      name: 'atm90e26 reply/request',
      seeds: [...atm.replies, ...atm.reads, ...atm.writes].map((p: { hex: string }) => fromHex(p.hex)),
      decode: (b) => (b[0] === 0xfe ? decodeAtm90e26Request(b) : decodeAtm90e26ReadReply(b)),
      fixup: (b) => {
        if (b.length === 3 && b[0] !== 0xfe) b[2] = (b[0]! + b[1]!) & 0xff;
        return b;
      },
    },
    {
      name: 'iec62056 data block',
      seeds: iec.readouts.map((p: { hex: string }) => fromHex(p.hex)),
      decode: (b) => {
        const r = parseDataBlock(b);
        for (const d of r.dataSets) {
          const core = obisCore(d.address);
          if ((core === '1.8.0' || core === '2.8.0') && d.values[0]) energyCounts(d.values[0]);
        }
        return r;
      },
      fixup: (b) => {
        const etx = b.lastIndexOf(0x03, b.length - 2);
        if (b.length >= 4 && etx > 0) b[etx + 1] = bcc(b, 1, etx + 1);
        return b;
      },
    },
    {
      name: 'iec62056 sign-on/ident/ack',
      seeds: [
        ...iec.identification.map((i: { line: string }) => Buffer.from(i.line, 'latin1')),
        ...iec.signOn.map((s: { text: string }) => Buffer.from(s.text.replace('\r\n', ''), 'latin1')),
        ...iec.ack.map((s: { text: string }) => Buffer.from(s.text.replace('\r\n', ''), 'latin1')),
      ].map((b) => new Uint8Array(b)),
      decode: (b) => {
        const s = latin(b);
        if (s.startsWith('/?')) return parseSignOn(s);
        if (s.startsWith('\x06')) return parseAckOptionSelect(s);
        return parseIdentification(s);
      },
    },
  ];
}

type Loose = Record<string, (...a: unknown[]) => unknown>;

/**
 * The Modbus decoders in drivers/modbus/ (owned by the Modbus work), found by name at run time so that this
 * harness keeps working while their API settles. Missing functions are reported, not fatal.
 */
export async function modbusTargets(): Promise<{ targets: FuzzTarget[]; missing: string[] }> {
  const load = async (file: string): Promise<Loose> => {
    try {
      const spec = `../drivers/modbus/${file}`;
      return (await import(spec)) as Loose;
    } catch {
      return {};
    }
  };
  const rtu = await load('rtu-frame.js');
  const mbap = await load('mbap.js');
  const crcMod = await load('crc16.js');
  const missing: string[] = [];
  const need = (m: Loose, name: string) => {
    if (typeof m[name] !== 'function') missing.push(name);
    return typeof m[name] === 'function' ? m[name] : null;
  };
  const encodeRtuFrame = need(rtu, 'encodeRtuFrame');
  const decodeRtuResponse = need(rtu, 'decodeRtuResponse');
  const decodeRtuRequest = need(rtu, 'decodeRtuRequest');
  const encodeMbapFrame = need(mbap, 'encodeMbapFrame');
  const decodeMbapResponse = need(mbap, 'decodeMbapResponse');
  const decodeMbapRequest = need(mbap, 'decodeMbapRequest');
  const crc = need(crcMod, 'crc16Modbus');
  const targets: FuzzTarget[] = [];
  const pdus = {
    resp: [Uint8Array.of(3, 4, 0, 1, 0, 2), Uint8Array.of(3, 2, 0x12, 0x34), Uint8Array.of(0x83, 2), Uint8Array.of(6, 0, 1, 0, 5), Uint8Array.of(16, 0, 1, 0, 2)],
    req: [Uint8Array.of(3, 0, 0, 0, 2), Uint8Array.of(4, 0, 0x10, 0, 0x50), Uint8Array.of(6, 0, 1, 0, 5), Uint8Array.of(16, 0, 1, 0, 2, 4, 0, 1, 0, 2)],
  };
  const fixCrc = (b: Uint8Array) => {
    if (crc && b.length >= 3) {
      const c = crc(b, 0, b.length - 2) as number;
      b[b.length - 2] = c & 0xff;
      b[b.length - 1] = c >> 8;
    }
    return b;
  };
  if (encodeRtuFrame && decodeRtuResponse) {
    targets.push({
      name: 'modbus rtu response',
      seeds: pdus.resp.map((p) => encodeRtuFrame(1, p) as Uint8Array),
      decode: (b) => decodeRtuResponse(b, 1, b[1] === 6 || b[1] === 16 || b[1] === 4 ? b[1] : 3),
      fixup: fixCrc,
    });
  }
  if (encodeRtuFrame && decodeRtuRequest) {
    targets.push({ name: 'modbus rtu request', seeds: pdus.req.map((p) => encodeRtuFrame(1, p) as Uint8Array), decode: (b) => decodeRtuRequest(b), fixup: fixCrc });
  }
  const fixLen = (b: Uint8Array) => {
    if (b.length >= 7) {
      const n = b.length - 6;
      b[4] = (n >> 8) & 0xff;
      b[5] = n & 0xff;
    }
    return b;
  };
  if (encodeMbapFrame && decodeMbapResponse) {
    targets.push({
      name: 'modbus mbap response',
      seeds: pdus.resp.map((p, i) => encodeMbapFrame(i, 1, p) as Uint8Array),
      decode: (b) => decodeMbapResponse(b, { unit: 1, fc: b[7] === 6 || b[7] === 16 || b[7] === 4 ? b[7] : 3 }),
      fixup: fixLen,
    });
  }
  if (encodeMbapFrame && decodeMbapRequest) {
    targets.push({ name: 'modbus mbap request', seeds: pdus.req.map((p, i) => encodeMbapFrame(i, 1, p) as Uint8Array), decode: (b) => decodeMbapRequest(b), fixup: fixLen });
  }
  return { targets, missing };
}

export async function allTargets(): Promise<{ targets: FuzzTarget[]; missing: string[] }> {
  const m = await modbusTargets();
  return { targets: [...uartTargets(), ...m.targets], missing: m.missing };
}

export function runFuzz(o: FuzzOptions & { targets: FuzzTarget[] }): FuzzResult[] {
  return o.targets.map((t) => {
    const r = fuzzTarget(t, o);
    o.onProgress?.(r);
    return r;
  });
}

/** The input a run with this seed feeds to a target at position `index` (for reporting a hang). */
export function nthInput(t: FuzzTarget, seed: number, index: number): Uint8Array {
  const r = rng(seed ^ hashName(t.name));
  let input = t.seeds[0]!;
  for (let i = 0; i <= index; i++) input = i < t.seeds.length ? t.seeds[i]! : mutate(t, r);
  return input;
}

function workerMain(): void {
  const d = workerData as { fuzzTarget: string; perTarget: number; seed: number; shared: SharedArrayBuffer };
  const counters = new Int32Array(d.shared, 0, 1);
  void allTargets().then(({ targets }) => {
    const t = [...targets, ...selfTestTargets()].find((x) => x.name === d.fuzzTarget)!;
    const r = fuzzTarget(t, {
      inputsPerTarget: d.perTarget,
      seed: d.seed,
      // Only the index: the inputs are reproducible from the seed, so the watchdog can rebuild the one that hangs.
      beforeInput: (_input, i) => Atomics.store(counters, 0, i + 1),
    });
    parentPort!.postMessage(r);
  });
}

/** Targets that misbehave on purpose, to prove the watchdog (used by the uvu test only). */
export function selfTestTargets(): FuzzTarget[] {
  return [
    {
      name: 'selftest: hang',
      seeds: [Uint8Array.of(1, 2, 3)],
      decode: (b) => {
        if (b.length > 10) for (;;);
      },
    },
  ];
}

/**
 * Runs one target in a worker thread watched from here: a decoder stuck in a loop cannot be interrupted from
 * its own thread, so the watchdog terminates the worker when its input count stops moving and reports the input.
 */
export function watched(name: string, perTarget: number, seed: number, stallMs: number): Promise<FuzzResult | { name: string; hang: string }> {
  const shared = new SharedArrayBuffer(4);
  const counters = new Int32Array(shared, 0, 1);
  // The worker loads this TypeScript file through tsx's loader, registered inside the worker itself.
  const boot = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: { fuzzTarget: name, perTarget, seed, shared } });
  return new Promise((resolve, reject) => {
    let last = -1;
    let since = Date.now();
    const timer = setInterval(() => {
      const done = Atomics.load(counters, 0);
      if (done !== last) {
        last = done;
        since = Date.now();
      } else if (done > 0 && Date.now() - since > stallMs) {
        clearInterval(timer);
        void worker.terminate();
        const t = [...uartTargets(), ...selfTestTargets()].find((x) => x.name === name);
        const rebuild = t ? Promise.resolve(t) : modbusTargets().then((m) => m.targets.find((x) => x.name === name));
        void rebuild.then((target) => {
          const input = target ? hexOf(nthInput(target, seed, done - 1)) : '(input not reproducible)';
          resolve({ name, hang: `input #${done} did not finish within ${stallMs} ms: ${input}` });
        });
      }
    }, 100);
    worker.once('message', (r: FuzzResult) => {
      clearInterval(timer);
      void worker.terminate();
      resolve(r);
    });
    worker.once('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
  });
}

async function main(): Promise<void> {
  const perTarget = Number(process.argv[2] ?? 1_000_000);
  const seed = Number(process.argv[3] ?? 1);
  const { targets, missing } = await allTargets();
  if (missing.length) console.log(`modbus decoders not found (skipped): ${missing.join(', ')}`);
  console.log(`fuzzing ${targets.length} decoders, ${perTarget} inputs each, seed ${seed}, each in a watched worker thread`);
  let crashes = 0;
  let slow = 0;
  let hangs = 0;
  let total = 0;
  const t0 = Date.now();
  for (const t of targets) {
    const r = await watched(t.name, perTarget, seed, 2000);
    if ('hang' in r) {
      hangs++;
      console.log(`${r.name.padEnd(28)} HANG ${r.hang}`);
      continue;
    }
    total += r.inputs;
    crashes += r.crashCount;
    slow += r.slow.length;
    const outcomes = Object.entries(r.outcomes)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    console.log(`${r.name.padEnd(28)} ${String(r.inputsPerSecond).padStart(9)} inputs/s  max ${r.maxMs.toFixed(2)} ms  ${outcomes}`);
    for (const c of r.crashes) console.log(`  CRASH ${c.error}\n    input ${c.input}`);
    for (const x of r.slow) console.log(`  SLOW ${x.ms.toFixed(1)} ms input ${x.input}`);
  }
  console.log(`${total} inputs in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(crashes === 0 ? 'no crashes (only AmsgateError subclasses came out)' : `${crashes} crashing inputs`);
  console.log(slow === 0 ? 'no input slower than 5 ms (slow inputs are timed again; machine pauses do not count)' : `${slow} inputs stayed slower than 5 ms`);
  console.log(hangs === 0 ? 'no hangs' : `${hangs} decoders hung`);
  process.exitCode = crashes > 0 || slow > 0 || hangs > 0 ? 1 : 0;
}

if (!isMainThread && (workerData as { fuzzTarget?: string } | null)?.fuzzTarget) workerMain();
else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
