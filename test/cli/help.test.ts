import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildProgram } from '../../host-cli/main.js';

test('every subcommand is listed with a one-sentence summary and has its own description', async () => {
  const program = await buildProgram();
  const names = program.commands.map((c) => c.name()).sort();
  for (const expected of ['bench', 'collect', 'commission', 'devices', 'discover', 'export', 'keys', 'prove', 'read', 'run', 'sim', 'status', 'verify']) {
    assert.ok(names.includes(expected), `missing subcommand ${expected}`);
  }
  for (const c of program.commands) {
    const summary = c.summary();
    assert.ok(summary.length > 10 && !summary.includes('\n'), `${c.name()}: summary "${summary}"`);
    assert.ok(c.description().startsWith(summary.replace(/\.$/, '').slice(0, 20)), `${c.name()}: summary comes from its description`);
  }
  assert.match(program.commands.find((c) => c.name() === 'sim')!.summary(), /\(e\.g\. one end of a socat pty pair\)\.$/);
});

test.run();
