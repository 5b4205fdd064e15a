// V8 settings for the long-running gateway (`amsgate run`), set before its modules load. A gateway polls a few
// meters every few seconds: the optimising compilers' code and working memory cost it more resident memory
// (about 20 MB, docs/gateway-operation.md "Resources") than the interpreter costs it CPU. The flags change only
// how JavaScript is executed, never what it computes. AMSGATE_JIT=1 keeps V8's defaults (profiling).
import { setFlagsFromString } from 'node:v8';

export const GATEWAY_V8_FLAGS = ['--no-opt', '--no-sparkplug', '--optimize-for-size'] as const;

export function useGatewayV8Flags(env: NodeJS.ProcessEnv = process.env): void {
  if (env.AMSGATE_JIT === '1') return;
  for (const f of GATEWAY_V8_FLAGS) setFlagsFromString(f);
}
