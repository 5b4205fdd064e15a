// Runs one registered subcommand in-process (a tsx subprocess per call costs seconds), capturing its output and the
// exit code the real `amsgate` would give.
import { Command, CommanderError } from 'commander';
import { exitCodeFor } from '../../host-cli/main.js';

export async function runInProcess(
  register: (p: Command) => void,
  args: string[],
): Promise<{ code: number; out: string; err: string }> {
  const program = new Command('amsgate');
  register(program);
  let out = '';
  let err = '';
  const quiet = (c: Command): void => {
    c.exitOverride().configureOutput({ writeOut: (s) => void (out += s), writeErr: (s) => void (err += s) });
    c.commands.forEach(quiet);
  };
  quiet(program);
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => ((out += chunk.toString()), true)) as typeof process.stdout.write;
  process.exitCode = 0;
  let code = 0;
  try {
    await program.parseAsync(['node', 'amsgate', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    code = e instanceof CommanderError ? 2 : exitCodeFor(e);
    err += `amsgate: ${(e as Error).message}\n`;
  } finally {
    process.stdout.write = write;
    process.exitCode = 0;
  }
  return { code, out, err };
}
