// The installed `amsgate` command starts Node with the gateway's small V8 young generation (the shebang's
// --max-semi-space-size=1, for the gateway's memory target; it cannot be changed once Node runs). A head-end
// collector allocates per message and pays for it in garbage collection: in bench/fleet.ts its CPU per record was
// 93 us with 1 MB semi-spaces and 79 us with 32 MB. The daemon says so at start (docs/collector.md "Running").

/** The semi-space limit in MB the process was started with (the last flag wins), or null for V8's default. */
export function semiSpaceMb(execArgv: readonly string[]): number | null {
  let mb: number | null = null;
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i]!;
    const m = /^--max[-_]semi[-_]space[-_]size(?:=(\d+))?$/.exec(a);
    if (!m) continue;
    const v = m[1] ?? execArgv[i + 1];
    if (v !== undefined && /^\d+$/.test(v)) mb = Number(v);
  }
  return mb;
}

/** Advice for a collector started with semi-spaces below 8 MB; null when it was not. */
export function youngGenerationAdvice(execArgv: readonly string[]): string | null {
  const mb = semiSpaceMb(execArgv);
  if (mb === null || mb >= 8) return null;
  return `node was started with --max-semi-space-size=${mb} (the gateway's setting in the amsgate command's shebang); a collector spends about 15 % more CPU per record in garbage collection so: start it as "node --max-semi-space-size=32 <amsgate>/dist/host-cli/main.js collect ..." (docs/collector.md "Running a collector")`;
}
