import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyField, copyLine } from '../../../host-cli/collector/pg-copy.js';

test('copyField: NULL, numbers, and the four characters COPY text format escapes', () => {
  assert.is(copyField(null), '\\N');
  assert.is(copyField(1780272000000), '1780272000000');
  assert.is(copyField('iv/gw-1/m1/import/2026-06-01T00:00:00Z/PT30M/0'), 'iv/gw-1/m1/import/2026-06-01T00:00:00Z/PT30M/0');
  assert.is(copyField('a\\b\tc\nd\re'), 'a\\\\b\\tc\\nd\\re');
  assert.is(copyField('\\N'), '\\\\N'); // the text "\N" is not NULL
  assert.is(copyField(''), '');
});

test('copyLine: tab-separated fields and a newline', () => {
  assert.is(copyLine(['x', 2, null, 'y\tz']), 'x\t2\t\\N\ty\\tz\n');
});

test.run();
