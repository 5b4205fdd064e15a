// `amsgate console passwd`: sets the installer console's password. Only a salted scrypt hash is stored
// (<storePath>/console-password.json, mode 0600); the password is read from the terminal or standard input,
// never from the command line (which other users can see in the process list).
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { ConfigError } from '../../drivers/errors.js';
import { loadConfig } from '../../device/config/gateway-config.js';
import { hashPassword, MIN_PASSWORD_LENGTH, writePasswordHash } from '../../device/console/password.js';
import { printJson } from '../output.js';

/** Reads one line; on a terminal without echo. */
async function readSecret(prompt: string, input: NodeJS.ReadStream = process.stdin): Promise<string> {
  const tty = input.isTTY === true;
  const rl = createInterface({ input, output: tty ? process.stderr : undefined, terminal: tty });
  if (tty) {
    process.stderr.write(prompt);
    // Echo nothing while the password is typed.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  }
  try {
    const line = await new Promise<string | null>((res) => {
      rl.once('line', res);
      rl.once('close', () => res(null));
    });
    if (tty) process.stderr.write('\n');
    if (line === null) throw new ConfigError('console-password', 'no password given on standard input; type it, or pipe it in: printf %s "$PW" | amsgate console passwd --config FILE');
    return line;
  } finally {
    rl.close();
  }
}

export async function setConsolePassword(storePath: string, password: string): Promise<string> {
  return writePasswordHash(storePath, await hashPassword(password));
}

export function register(program: Command): void {
  const con = program.command('console').description('Installer console of `amsgate run` (docs/installer-console.md): set its password.');
  con
    .command('passwd')
    .description('Set the installer console password: stored as a salted scrypt hash in <storePath>/console-password.json.')
    .option('--config <file>', 'gateway configuration: the hash goes to its storePath')
    .option('--data <dir>', 'the gateway store folder instead of --config (e.g. the --data of a demo)')
    .option('--json', 'print {file} as JSON')
    .addHelpText(
      'after',
      `
The password is asked twice on a terminal (not echoed) or read as one line from standard input. At least
${MIN_PASSWORD_LENGTH} characters. The console must be restarted (amsgate run) to use a new password; a console
listening on an address other than loopback refuses to start without one.

Examples:
  amsgate console passwd --config /etc/amsgate/gateway.yaml
  printf '%s\\n' "$CONSOLE_PW" | amsgate console passwd --data ./demo`,
    )
    .action(async (opts: { config?: string; data?: string; json?: boolean }) => {
      if (!!opts.config === !!opts.data) throw new ConfigError('option', 'give either --config FILE or --data DIR (where the gateway store is)');
      const storePath = opts.config ? loadConfig(opts.config).storePath : resolve(opts.data!);
      const pw = await readSecret('New console password: ');
      if (process.stdin.isTTY) {
        const again = await readSecret('Again: ');
        if (again !== pw) throw new ConfigError('console-password', 'the two passwords differ; run the command again');
      }
      const file = await setConsolePassword(storePath, pw);
      if (opts.json) printJson({ file });
      else process.stdout.write(`console password set: hash in ${file} (restart amsgate run to use it)\n`);
    });
}
