// Current registers vs billing-period (historical) values: fixtures/iec62056/vectors.json "billingPeriods".
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { FrameError } from '../../../drivers/errors.js';
import { fromHex } from '../../../drivers/uart/bytes.js';
import { rational } from '../../../drivers/rational.js';
import { encodeDataBlock, energyCounts, parseDataBlock } from '../../../drivers/iec62056/data-block.js';
import { currentRegister, parseObis } from '../../../drivers/iec62056/obis.js';

const fx = JSON.parse(readFileSync(new URL('../../../fixtures/iec62056/vectors.json', import.meta.url), 'utf8'));

test('OBIS addresses: medium, channel, C.D.E and billing period (F = 255 is current)', () => {
  assert.equal(parseObis('1.8.0'), { medium: null, channel: null, core: '1.8.0', billingPeriod: null });
  assert.equal(parseObis('1-0:1.8.0*255'), { medium: 1, channel: 0, core: '1.8.0', billingPeriod: null });
  assert.equal(parseObis('1.8.0*12'), { medium: null, channel: null, core: '1.8.0', billingPeriod: 12 });
  assert.equal(parseObis('1-1:2.8.0&03'), { medium: 1, channel: 1, core: '2.8.0', billingPeriod: 3 });
  assert.equal(parseObis('C.1.0'), { medium: null, channel: null, core: 'C.1.0', billingPeriod: null });
});

test('the fixture blocks are what their lines say (BCC from an independent computation)', () => {
  for (const c of fx.billingPeriods.cases) assert.equal(Array.from(encodeDataBlock(c.lines)), Array.from(fromHex(c.hex)), c.name);
});

test('only the register without F (or F = 255) is current; history listed first and tariffs are never taken', () => {
  for (const c of fx.billingPeriods.cases) {
    const r = parseDataBlock(fromHex(c.hex));
    for (const [code, want] of Object.entries<string>(c.current ?? {})) {
      const d = currentRegister(r, code);
      assert.ok(d, `${c.name}: ${code} found`);
      assert.is(energyCounts(d!.values[0]!).value, BigInt(want), `${c.name}: ${code}`);
    }
    for (const [code, [num, den]] of Object.entries<[string, string]>(c.whPerCount ?? {})) {
      assert.equal(energyCounts(currentRegister(r, code)!.values[0]!).whPerCount, rational(BigInt(num), BigInt(den)), `${c.name}: ${code} resolution`);
    }
    for (const code of c.absent ?? []) assert.is(currentRegister(r, code), undefined, `${c.name}: no current ${code}`);
    for (const code of c.ambiguous ?? []) {
      try {
        currentRegister(r, code);
        assert.unreachable(`${c.name}: ${code} should be ambiguous`);
      } catch (e) {
        assert.instance(e, FrameError);
        assert.match((e as Error).message, /1-1:1\.8\.0.*1-2:1\.8\.0.*channel/);
      }
    }
    for (const [ch, regs] of Object.entries<Record<string, string>>(c.byChannel ?? {})) {
      for (const [code, want] of Object.entries(regs)) {
        assert.is(energyCounts(currentRegister(r, code, Number(ch))!.values[0]!).value, BigInt(want), `${c.name}: channel ${ch}`);
      }
    }
  }
});

test.run();
