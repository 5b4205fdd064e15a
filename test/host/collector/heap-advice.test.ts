// The collector's start-up advice about the V8 young generation it was started with (heap-advice.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { semiSpaceMb, youngGenerationAdvice } from '../../../host-cli/collector/heap-advice.js';

test('the semi-space flag is read as node takes it: either spelling, = or a separate value, the last one wins', () => {
  assert.is(semiSpaceMb([]), null);
  assert.is(semiSpaceMb(['--max-semi-space-size=1']), 1);
  assert.is(semiSpaceMb(['--max_semi_space_size', '16']), 16);
  assert.is(semiSpaceMb(['--max-semi-space-size=1', '--import', 'tsx', '--max-semi-space-size=32']), 32);
});

test("advice only below 8 MB, and the installed command's shebang is such a case", () => {
  assert.is(youngGenerationAdvice(['--max-semi-space-size=32']), null);
  assert.is(youngGenerationAdvice([]), null);
  const shebang = readFileSync(new URL('../../../host-cli/main.ts', import.meta.url), 'utf8').split('\n')[0]!;
  const flags = shebang.replace(/^#!\/usr\/bin\/env -S node\s*/, '').split(/\s+/).filter(Boolean);
  assert.match(youngGenerationAdvice(flags) ?? '', /--max-semi-space-size=32 .*docs\/collector\.md/);
});

test.run();
