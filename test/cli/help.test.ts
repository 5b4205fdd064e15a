import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Command } from 'commander';
import { buildProgram } from '../../host-cli/main.js';
import { COMMANDS, type CommandEntry } from '../../host-cli/command-registry.js';

/** The first sentence of a description: the summary `amsgate --help` lists ("e.g." does not end a sentence). */
function firstSentence(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ').trim();
  const end = flat.search(/\.(\s+[A-Z]|$)/);
  return end >= 0 ? flat.slice(0, end + 1) : flat;
}

test('--help lists every command with its one-sentence summary, loading no command module', async () => {
  const loaded: string[] = [];
  const spied: CommandEntry[] = COMMANDS.map((e) => ({ ...e, load: () => (loaded.push(e.name), e.load()) }));
  const program = await buildProgram(['--help'], spied);
  assert.equal(loaded, []);
  const names = program.commands.map((c) => c.name()).sort();
  for (const expected of ['bench', 'collect', 'commission', 'devices', 'discover', 'export', 'keys', 'prove', 'read', 'run', 'sim', 'status', 'verify']) {
    assert.ok(names.includes(expected), `missing subcommand ${expected}`);
  }
  for (const c of program.commands) {
    const summary = c.summary();
    assert.ok(summary.length > 10 && !summary.includes('\n'), `${c.name()}: summary "${summary}"`);
  }
  assert.match(program.commands.find((c) => c.name() === 'sim')!.summary(), /\(e\.g\. one end of a socat pty pair\)\.$/);
});

test('a command line loads only the module of the command it names', async () => {
  for (const [args, want] of [[['run', '--demo'], ['run']], [['help', 'keys'], ['keys']], [['--version'], []], [['nosuch'], []]] as const) {
    const loaded: string[] = [];
    const spied = COMMANDS.map((e) => ({ ...e, load: () => (loaded.push(e.name), e.load()) }));
    await buildProgram(args, spied);
    assert.equal(loaded, [...want], args.join(' '));
  }
});

test("each registry summary is the first sentence of the command's own description", async () => {
  for (const entry of COMMANDS) {
    const program = new Command('amsgate');
    (await entry.load()).register(program);
    assert.equal(program.commands.map((c) => c.name()), [entry.name], `${entry.name}: the module registers exactly that command`);
    assert.is(entry.summary, firstSentence(program.commands[0]!.description()), entry.name);
  }
});

test.run();
