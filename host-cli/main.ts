#!/usr/bin/env -S node --max-semi-space-size=1
// Entry point of the `amsgate` command. Each file in ./commands registers one subcommand, so that
// subcommands are added without touching this file.
import { Command, CommanderError } from 'commander';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AmsgateError, ConfigError, TimeoutError, TransportError } from '../drivers/errors.js';
import { EXIT } from './exit-codes.js';

export async function buildProgram(): Promise<Command> {
  const program = new Command('amsgate')
    .description(
      'Settlement-grade metering for EV chargers and home batteries (BSC CoP11 Asset Metering Type 5).\n' +
        'Gateway runtime, meter simulators, installer commissioning, head-end collector, market exports and accuracy bench.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 a check or verification failed, 2 bad usage or config, 3 device/bus/service unreachable, 4 internal error.
Start with:  amsgate sim sdm630 --tcp 127.0.0.1:1502   then   amsgate read --model sdm630 --tcp 127.0.0.1:1502`,
    );
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'commands');
  const files = readdirSync(dir)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts') && !f.endsWith('.map'))
    .sort();
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as { register?: (p: Command) => void };
    mod.register?.(program);
  }
  // The command list shows each command's first sentence; `amsgate <cmd> --help` shows all of it.
  for (const c of program.commands) if (!c.summary()) c.summary(firstSentence(c.description()));
  return program;
}

function firstSentence(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ').trim();
  const end = flat.search(/\.(\s+[A-Z]|$)/); // "e.g." does not end a sentence
  return end >= 0 ? flat.slice(0, end + 1) : flat;
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof ConfigError) return EXIT.usage;
  if (err instanceof TimeoutError || err instanceof TransportError) return EXIT.comms;
  if (err instanceof AmsgateError) return EXIT.failed;
  return EXIT.internal;
}

async function main(): Promise<void> {
  // `amsgate ... | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT.ok);
    throw err;
  });
  const program = await buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    const e = err as Error;
    process.stderr.write(`amsgate: ${e.message}\n`);
    if (process.env.AMSGATE_DEBUG) process.stderr.write(`${e.stack}\n`);
    process.exitCode = exitCodeFor(err);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === (await import('node:fs')).realpathSync(process.argv[1])) {
  await main();
}
