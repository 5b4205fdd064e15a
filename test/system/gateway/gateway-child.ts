// Entry of the gateway child process in system tests: only `amsgate run`, bundled once per test run so that
// a restart costs Node's start-up and not a TypeScript transform of the whole CLI.
import { Command } from 'commander';
import { register } from '../../../host-cli/commands/run.js';

const program = new Command('amsgate');
register(program);
await program.parseAsync(process.argv);
