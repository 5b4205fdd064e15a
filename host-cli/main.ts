#!/usr/bin/env -S node --max-semi-space-size=1
// Entry point of the `amsgate` command. The commands are listed as data in command-registry.ts; only the module of
// the command being run is loaded (a gateway carries what `run` needs, and `--version` or `--help` load none).
import type { Command, OutputConfiguration } from 'commander';
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { AmsgateError, ConfigError, TimeoutError, TransportError } from '../drivers/errors.js';
import { COMMANDS, commandNamed, type CommandEntry } from './command-registry.js';
import { EXIT } from './exit-codes.js';

export const VERSION = '0.1.0';

/** Commander, loaded when a command line is parsed: `amsgate --version` answers without it (bench/cli-startup.ts). */
const commander = (): typeof import('commander') => createRequire(import.meta.url)('commander') as typeof import('commander');

/**
 * The root command, configured BEFORE any subcommand is added: Commander copies exitOverride, output and
 * help-after-error settings into each subcommand when it is created, so a usage error deep in `keys show` is
 * thrown (and exits 2) rather than handled by Commander's own process.exit(1).
 */
export function newProgram(output?: OutputConfiguration): Command {
  const { Command } = commander();
  const program = new Command('amsgate')
    .description(
      'Settlement-grade metering for EV chargers and home batteries (BSC CoP11 Asset Metering Type 5).\n' +
        'Gateway runtime, meter simulators, installer commissioning, head-end collector, market exports and accuracy bench.',
    )
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 a check or verification failed, 2 bad usage or config, 3 device/bus/service unreachable, 4 internal error.
Start with:  amsgate sim sdm630 --tcp 127.0.0.1:1502   then   amsgate read --model sdm630 --tcp 127.0.0.1:1502`,
    );
  if (output) program.configureOutput(output);
  return program;
}

/**
 * The program for a command line (arguments after `node main.js`): the named command's module is loaded and
 * registered; every other command is a stub carrying its summary, enough for the command list in `--help`.
 */
export async function buildProgram(args: readonly string[] = [], entries: readonly CommandEntry[] = COMMANDS, output?: OutputConfiguration): Promise<Command> {
  const program = newProgram(output);
  const wanted = commandNamed(args, entries);
  for (const entry of entries) {
    if (entry === wanted) (await entry.load()).register(program);
    else program.command(entry.name).description(entry.summary);
    const c = program.commands.find((x) => x.name() === entry.name);
    if (c && !c.summary()) c.summary(entry.summary);
  }
  return program;
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof ConfigError) return EXIT.usage;
  if (err instanceof TimeoutError || err instanceof TransportError) return EXIT.comms;
  if (err instanceof AmsgateError) return EXIT.failed;
  return EXIT.internal;
}

/** Parses and runs `args` (after `node main.js`) and returns the exit code `amsgate` gives. */
export async function execute(program: Command, args: readonly string[], writeErr: (s: string) => void = (s) => void process.stderr.write(s)): Promise<number> {
  process.exitCode = 0;
  try {
    await program.parseAsync([...args], { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (err) {
    // Commander has already printed its message (unknown option, missing argument, ...) or the help.
    if (err instanceof commander().CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const e = err as Error;
    writeErr(`amsgate: ${e.message}\n`);
    if (process.env.AMSGATE_DEBUG) writeErr(`${e.stack}\n`);
    return exitCodeFor(err);
  }
}

async function main(): Promise<void> {
  // `amsgate ... | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT.ok);
    throw err;
  });
  const args = process.argv.slice(2);
  // What Commander would print for the version, without loading it or any command.
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  const code = await execute(await buildProgram(args), args);
  process.exitCode = code;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  await main();
}
