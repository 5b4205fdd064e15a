// Runs one subcommand in-process (a tsx subprocess per call costs seconds), capturing its output and the exit code
// the real `amsgate` gives. It builds the program exactly as host-cli/main.ts does (newProgram, then register, then
// execute), so Commander's own usage errors inside a subcommand surface here as they do in the shell: exit 2.
// test/cli/exit-codes.test.ts checks the same codes against a real child process. A command that calls
// process.exit itself (e.g. a subcommand Commander created without the root's exitOverride: exit 1) would end the
// test run here and hide its code, so process.exit is stubbed for the call and the code it was given is returned.
// Each call starts and ends, as a process does, with no model file loaded (one test's --model-file must not claim its
// model id for a later test file with another path to the same model).
import type { Command } from 'commander';
import { forgetModelFiles } from '../../drivers/catalog.js';
import { execute, newProgram } from '../../host-cli/main.js';

export async function runInProcess(
  register: (p: Command) => void,
  args: string[],
): Promise<{ code: number; out: string; err: string }> {
  forgetModelFiles();
  let out = '';
  let err = '';
  const program = newProgram({ writeOut: (s) => void (out += s), writeErr: (s) => void (err += s) });
  register(program);
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((out += chunk.toString()), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((err += chunk.toString()), true)) as typeof process.stderr.write;
  const exit = process.exit;
  let exitedWith: number | undefined;
  process.exit = ((c?: number | string | null) => {
    exitedWith = Number(c ?? 0);
    throw new Error(`process.exit(${exitedWith}) inside the command`);
  }) as typeof process.exit;
  try {
    const code = await execute(program, args, (s) => void (err += s));
    return { code: exitedWith ?? code, out, err };
  } finally {
    forgetModelFiles();
    process.exit = exit;
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.exitCode = 0;
  }
}
