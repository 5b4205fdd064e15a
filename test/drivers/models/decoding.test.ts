import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { meterModel, meterModels } from '../../../drivers/models/meter-models.js';
import { decodeEnergy, decodeNumber } from '../../../drivers/models/register-codec.js';
import { REGISTER_SHEETS } from '../../../drivers/models/register-sheets.js';
import { encodeEnergy, encodeInstant } from '../../../drivers/models/sheet-encoding.js';
import { scaleOf } from '../../../drivers/models/model-schema.js';
import { float32Exact } from '../../../drivers/models/float32-exact.js';
import { toNumber } from '../../../drivers/rational.js';

interface Vector {
  model: string;
  quantity: string;
  words: string[];
  number?: number;
  energy?: { value: string; whPerCount: string; counterBits: number | null; floatUlpWh: number | null };
  error?: string;
  /** The precision the source printed its value to (default: exact). */
  tolerance?: number;
  source: string;
}
const vectors = (JSON.parse(readFileSync(new URL('../../../fixtures/models/vectors.json', import.meta.url), 'utf8')) as { vectors: Vector[] }).vectors;

const defOf = (model: string, q: string) => {
  const m = meterModel(model);
  const d = m.registers.find((r) => r.quantity === q);
  if (!d) throw new Error(`${model} has no ${q}`);
  return { m, d };
};

for (const v of vectors) {
  test(`vector ${v.model} ${v.quantity} [${v.words.join(' ')}]`, () => {
    const { m, d } = defOf(v.model, v.quantity);
    const words = v.words.map((w) => parseInt(w, 16));
    const s = m.notAvailableSentinels === true;
    if (v.error) {
      let name = '';
      try {
        if (d.energy) decodeEnergy(d, words, s);
        else decodeNumber(d, words, s);
      } catch (e) {
        name = (e as Error).name;
      }
      assert.is(name, v.error);
      return;
    }
    if (v.energy) {
      const e = decodeEnergy(d, words, s);
      assert.is(e.value.toString(), v.energy.value);
      assert.is(typeof e.value, 'bigint');
      assert.is(`${e.whPerCount.num}${e.whPerCount.den === 1n ? '' : `/${e.whPerCount.den}`}`, v.energy.whPerCount);
      assert.is(e.counterBits, v.energy.counterBits);
      if (v.energy.floatUlpWh === null) assert.is(e.floatUlpWh, null);
      else assert.ok(Math.abs(e.floatUlpWh! / v.energy.floatUlpWh - 1) < 1e-12, `ulp ${e.floatUlpWh}`);
      return;
    }
    assert.ok(v.source.length > 10, 'the vector names its source');
    const got = decodeNumber(d, words, s);
    assert.ok(Math.abs(got - v.number!) <= (v.tolerance ?? 1e-9), `${got} vs ${v.number} (${v.source})`);
  });
}

const sheet = (model: string, q: string) => REGISTER_SHEETS[model]![q as 'energy_import']!;

test('float energy above 16384 kWh resolves coarser than 1 Wh, below finer', () => {
  const { d } = defOf('sdm630', 'energy_import');
  const e = sheet('sdm630', 'energy_import');
  assert.ok(decodeEnergy(d, encodeEnergy(e, 16_383_000)).floatUlpWh! < 1);
  assert.ok(decodeEnergy(d, encodeEnergy(e, 16_385_000)).floatUlpWh! > 1);
});

test('float32Exact is the exact binary value (0.1f is not 0.1)', () => {
  const f = float32Exact(0x3dcccccd);
  assert.is(f.value.den, 1n << 27n);
  assert.is(f.value.num, 13421773n);
  assert.ok(toNumber(f.value) !== 0.1 || Math.fround(0.1) === toNumber(f.value));
});

// Two independent statements of each register (the driver's model, the simulator's datasheet table) must agree:
// same address, and a value laid out by the table decodes by the model to itself within one count.
test('the datasheet table and the model agree on every register of every model', () => {
  for (const m of meterModels) {
    const table = REGISTER_SHEETS[m.id]!;
    for (const d of m.registers) {
      if (d.quantity === 'serial') continue;
      const entry = table[d.quantity];
      assert.ok(entry, `${m.id} ${d.quantity} is in the datasheet table`);
      assert.is(entry!.address, d.address, `${m.id} ${d.quantity} address`);
      fc.assert(
        fc.property(fc.double({ min: d.energy ? 0 : -5000, max: d.energy ? 1e9 : 5000, noNaN: true }), (x) => {
          if (d.type.startsWith('u') && x < 0) x = -x;
          if (d.energy) {
            const e = decodeEnergy(d, encodeEnergy(entry!, x), m.notAvailableSentinels);
            const wh = toNumber(e.whPerCount) * Number(e.value);
            const tol = Math.max(toNumber(e.whPerCount), e.floatUlpWh ?? 0) + 1e-6 * x;
            return Math.abs(wh - x) <= tol + 1;
          }
          const range = d.type.endsWith('16') ? 30 : 5000; // 16-bit registers hold PF and Hz only
          const y = Math.max(-range, Math.min(range, x));
          const back = decodeNumber(d, encodeInstant(entry!, y), m.notAvailableSentinels);
          return Math.abs(back - y) <= Math.abs(y) * 1e-6 + toNumber(scaleOf(d.scale)) / 2 + 1e-9;
        }),
        { numRuns: 200 },
      );
    }
  }
});

test('EM340 energy wraps at 2^31 counts when encoded past the limit', () => {
  const { d } = defOf('em340', 'energy_import');
  const e = sheet('em340', 'energy_import');
  const limitWh = 2 ** 31 * 100;
  assert.is(decodeEnergy(d, encodeEnergy(e, limitWh - 100)).value, 2n ** 31n - 1n);
  assert.is(decodeEnergy(d, encodeEnergy(e, limitWh + 250)).value, 2n);
});

test.run();
