// Issue 8 evidence: docs/uart-chips.md and docs/iec62056-21.md state the transfer functions with their sources.
// The formulas as the pages print them are evaluated here (independently of the drivers' constants) and must equal
// the drivers' exact Wh per count; the pages must name where each formula comes from. A constant changed in code
// without its page, or a page edited without the code, fails here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { rational, type Rational } from '../../drivers/rational.js';
import { cse7766WhPerCount } from '../../drivers/uart/cse7766/codec.js';
import { BL0942_BOARDS, bl0942WhPerCount } from '../../drivers/uart/bl0942/board.js';
import { ATM90E26_BOARDS, atm90e26WhPerCount } from '../../drivers/uart/atm90e26/board.js';
import { energyCounts } from '../../drivers/iec62056/data-block.js';

const page = (name: string): string => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');
const uart = page('uart-chips.md');
const iec = page('iec62056-21.md');

/** Cells of the markdown table row whose first cell is `first`. */
function row(text: string, first: string): string[] {
  const line = text.split('\n').find((l) => l.startsWith(`| ${first} |`));
  assert.ok(line, `a table row for ${first}`);
  return line!.split('|').slice(1, -1).map((c) => c.trim());
}

const same = (a: Rational, b: Rational, what: string): void => assert.is(a.num * b.den, b.num * a.den, `${what}: ${a.num}/${a.den} vs ${b.num}/${b.den}`);
/** "3 600 000 000" -> 3600000000n (the pages group digits with spaces). */
const int = (s: string): bigint => BigInt(s.replace(/ /g, ''));

test('uart-chips.md: CSE7766 Wh per CF pulse is Pcoef / 3 600 000 000, as the driver computes, with its sources', () => {
  const cell = row(uart, '`cse7766`').at(-1)!;
  const m = /^Pcoef \/ ([\d ]+)$/.exec(cell);
  assert.ok(m, `whPerCount cell: ${cell}`);
  assert.is(int(m![1]!), 3_600_000_000n, 'one pulse is Pcoef microjoules (not millijoules)');
  for (const pcoef of [5_000_000, 5_160_000, 4_975_000]) same(cse7766WhPerCount(pcoef), rational(BigInt(pcoef), int(m![1]!)), `Pcoef ${pcoef}`);
  assert.match(uart, /ESPHome `cse7766\.cpp`/);
  assert.match(uart, /Tasmota issue #11389/);
});

test('uart-chips.md: BL0942 Wh per CF_CNT pulse is 419 430.4 / (3600 x PREF), as the driver computes, with its source', () => {
  const cell = row(uart, '`bl0942`').at(-1)!;
  const m = /= ([\d ]+)\.(\d) \/ \(3600 x PREF\)$/.exec(cell);
  assert.ok(m, `whPerCount cell: ${cell}`);
  // 419 430.4 J x PREF per pulse: as a fraction, (integer part x 10 + tenths) / 10.
  const joulesTimesPref = rational(int(m![1]!) * 10n + BigInt(m![2]!), 10n);
  assert.is(joulesTimesPref.num * 10n / joulesTimesPref.den, 4_194_304n, '1638.4 x 256 = 419 430.4 (datasheet CF period)');
  for (const [name, board] of Object.entries(BL0942_BOARDS)) {
    if (board.eref !== undefined) continue; // a calibrated pair carries its own EREF
    const [ip, fp = ''] = board.pref.split('.');
    const pref = rational(BigInt(ip! + fp), 10n ** BigInt(fp.length));
    const expected = rational(joulesTimesPref.num * pref.den, joulesTimesPref.den * 3600n * pref.num);
    same(bl0942WhPerCount(board), expected, `board ${name}`);
  }
  assert.match(uart, /datasheet BL0942 V1\.06 as quoted in ESPHome `bl0942\.h`, standards\.md 4\.4/);
});

test('uart-chips.md: ATM90E26 Wh per count is 100 / meter constant (tenths of a CF pulse), as the driver computes', () => {
  const cell = row(uart, '`atm90e26`').at(-1)!;
  assert.is(cell, '100 / meter constant');
  same(atm90e26WhPerCount(ATM90E26_BOARDS.default!), rational(100n, BigInt(ATM90E26_BOARDS.default!.meterConstantImpPerKwh)), 'default board');
  same(atm90e26WhPerCount({ meterConstantImpPerKwh: 1000 }), rational(1n, 10n), 'MC 1000');
});

test('iec62056-21.md: every row of the printed-value table is what the driver makes of it; OBIS group F rule sourced', () => {
  const start = iec.indexOf('| printed | `value` | `whPerCount` |');
  assert.ok(start > 0, 'the table is on the page');
  const table = iec.slice(start).split('\n');
  const rows = table.slice(2, table.findIndex((l) => l.trim() === ''));
  assert.ok(rows.length >= 4, `${rows.length} rows`);
  for (const l of rows) {
    const [printed, value, whPerCount] = l.split('|').slice(1, -1).map((c) => c.trim().replace(/`/g, ''));
    const [digits, unit] = printed!.split('*');
    const got = energyCounts({ value: digits!, unit: unit! });
    assert.is(got.value, BigInt(value!), printed);
    same(got.whPerCount, rational(BigInt(whPerCount!)), printed!);
  }
  assert.match(iec, /Group F marks a \*\*historical\s+value\*\*.*\(IEC 62056-6-1, standards\.md 5\)/s);
  assert.match(iec, /only the code\s+without F, or with F = 255, is the current register/);
});

test.run();
