import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { FrameError } from '../../../drivers/errors.js';
import { rational } from '../../../drivers/rational.js';
import { fromHex } from '../../../drivers/uart/bytes.js';
import { bcc } from '../../../drivers/iec62056/bcc.js';
import { encodeDataBlock, energyCounts, findDataSet, parseDataBlock } from '../../../drivers/iec62056/data-block.js';
import {
  encodeAckOptionSelect,
  encodeIdentification,
  encodeSignOn,
  parseAckOptionSelect,
  parseIdentification,
  parseSignOn,
} from '../../../drivers/iec62056/messages.js';

const fx = JSON.parse(readFileSync(new URL('../../../fixtures/iec62056/vectors.json', import.meta.url), 'utf8'));

test('BCC vectors from standards.md §5 (pwitab and the 1.8.0/2.8.0 example)', () => {
  for (const v of fx.bcc) assert.is(bcc(fromHex(v.hex), 1), v.bcc, v.name);
});

test('readouts parse; energy becomes exact integer counts at the printed resolution', () => {
  for (const r of fx.readouts) {
    const out = parseDataBlock(fromHex(r.hex));
    if (r.dataSetCount) assert.is(out.dataSets.length, r.dataSetCount);
    for (const [code, e] of Object.entries<any>(r.energy)) {
      const d = findDataSet(out, code);
      assert.ok(d, `${r.name}: ${code} present`);
      const c = energyCounts(d!.values[0]!);
      assert.is(c.value, BigInt(e.value), `${r.name} ${code}`);
      assert.equal(c.whPerCount, rational(BigInt(e.whPerCountNum), BigInt(e.whPerCountDen)));
    }
  }
  // Building the standards example reproduces it byte for byte.
  const built = encodeDataBlock(['1.8.0(001234.567*kWh)', '2.8.0(000012.345*kWh)']);
  assert.equal(Array.from(built), Array.from(fromHex(fx.readouts[0].hex)));
  assert.is(built[built.length - 1], 0x27);
});

test('rejected blocks raise FrameError with the right code', () => {
  for (const r of fx.rejected) {
    try {
      parseDataBlock(fromHex(r.hex));
      assert.unreachable(r.name);
    } catch (e) {
      assert.instance(e, FrameError, r.name);
      assert.is((e as FrameError).code, r.code, r.name);
    }
  }
  assert.throws(() => energyCounts({ value: '12.5', unit: 'kvarh' }), /expected Wh, kWh or MWh/);
  assert.throws(() => energyCounts({ value: '-1.0', unit: 'kWh' }), /not a non-negative decimal/);
});

test('sign-on, identification and option select messages', () => {
  for (const s of fx.signOn) {
    assert.is(encodeSignOn(s.address), s.text);
    assert.is(parseSignOn(s.text.replace('\r\n', '')), s.address);
  }
  for (const i of fx.identification) {
    const p = parseIdentification(i.line);
    assert.equal(p, { manufacturer: i.manufacturer, baudChar: i.baudChar, baud: i.baud, enhanced: i.enhanced, ident: i.ident });
  }
  assert.is(encodeIdentification('ISK', '5', 'MT174-0001'), '/ISK5MT174-0001\r\n');
  for (const a of fx.ack) {
    assert.is(encodeAckOptionSelect(a.baudChar, a.mode), a.text);
    assert.equal(parseAckOptionSelect(a.text.replace('\r\n', '')), { control: '0', baudChar: a.baudChar, mode: a.mode });
  }
  assert.throws(() => parseIdentification('ISK5MT174'), /expected "\/XXXZ ident"/);
});

test.run();
