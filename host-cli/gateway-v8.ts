// V8 settings for the long-running gateway (`amsgate run`), set before its modules load. A gateway polls a few
// meters every few seconds: the optimising compilers' code and working memory cost it more resident memory
// (about 20 MB, docs/gateway-operation.md "Resources") than the interpreter costs it CPU. The flags change only
// how JavaScript is executed, never what it computes. AMSGATE_JIT=1 keeps V8's defaults (profiling).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export const GATEWAY_V8_FLAGS = ['--no-opt', '--no-sparkplug', '--optimize-for-size'] as const;

/** A full collection this often (real time) keeps the old generation near its live size (about 13 MB). */
export const HEAP_COMPACT_EVERY_MS = 30_000;

export function useGatewayV8Flags(env: NodeJS.ProcessEnv = process.env): void {
  if (env.AMSGATE_JIT === '1') return;
  for (const f of GATEWAY_V8_FLAGS) setFlagsFromString(f);
  // V8 lets the old generation grow to about twice the live heap between collections; on a small board that
  // headroom (5-7 MB) is resident memory. A full GC of this heap takes about 10 ms.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setInterval(gc, HEAP_COMPACT_EVERY_MS).unref();
}
