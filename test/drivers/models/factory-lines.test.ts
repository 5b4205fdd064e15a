// Factory line settings: each model's defaultLine is the vendor's (fixtures/models/factory-lines.json names the
// source), and `discover` with no --bauds/--parities tries every catalog model's factory setting, first.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { ManualClock } from '../../../drivers/clock.js';
import { catalog, catalogEntry } from '../../../drivers/catalog.js';
import { defaultDiscoverLines, STANDARD_BAUDS } from '../../../drivers/models/discover-meters.js';
import { meterModels } from '../../../drivers/models/meter-models.js';
import { register } from '../../../host-cli/commands/discover.js';
import { runInProcess } from '../../helpers/in-process-cli.js';
import { openPtyPair } from '../../helpers/pty-pair.js';

interface FactoryLine {
  model: string;
  line: { baud: number; parity: 'none' | 'even' | 'odd'; dataBits: 7 | 8; stopBits: 1 | 2 };
  tag: string;
  source: string;
}
const fixture = (JSON.parse(readFileSync(new URL('../../../fixtures/models/factory-lines.json', import.meta.url), 'utf8')) as { lines: FactoryLine[] }).lines;

test('every shipped Modbus model has a sourced factory line, and uses it', () => {
  assert.equal(fixture.map((f) => f.model).sort(), meterModels.map((m) => m.id).sort());
  for (const f of fixture) {
    assert.ok(f.source.length > 20, `${f.model}: source named`);
    assert.equal(catalogEntry(f.model).defaultLine, f.line, f.model);
  }
});

test('discover default lines: every catalog factory line first, then the standard rates 1200..38400', () => {
  const lines = defaultDiscoverLines('/dev/x', meterModels);
  const key = (l: { baud?: number; parity?: string; dataBits?: number; stopBits?: number }) => `${l.baud} ${l.dataBits}${l.parity}${l.stopBits}`;
  const keys = lines.map((l) => key(l as never));
  assert.is(new Set(keys).size, keys.length, 'no line twice');
  const factory = [...catalog.values()].filter((e) => e.transport === 'modbus').map((e) => key(e.defaultLine!));
  for (const k of factory) assert.ok(keys.slice(0, new Set(factory).size).includes(k), `factory line ${k} tried first: ${keys.join(', ')}`);
  for (const b of STANDARD_BAUDS) assert.ok(lines.some((l) => 'serial' in l && l.baud === b), `baud ${b}`);
  assert.ok(keys.includes('2400 8none1'), 'the SDM120 factory setting');
  assert.equal([...STANDARD_BAUDS], [1200, 2400, 4800, 9600, 19200, 38400]);
});

// A pty passes bytes at any baud, so the meter answers on every line tried: --all-lines shows that the factory
// setting is among them (before the fix, 2400 was never tried).
test('discover with default lines finds a factory-default SDM120 at 2400 8N1 (over a pty)', async () => {
  const f = fixture.find((x) => x.model === 'sdm120')!;
  const pty = await openPtyPair();
  const sim = await catalogEntry('sdm120').startSimulator({ listen: { serial: pty.a, ...f.line }, unit: 1, clock: new ManualClock(0), profile: 'constant', random: () => 0.5 });
  try {
    const r = await runInProcess(register, ['discover', '--serial', pty.b, '--protocols', 'modbus', '--units', '1', '--all-lines', '--json']);
    assert.is(r.code, 0, r.err);
    const doc = JSON.parse(r.out.slice(r.out.indexOf('{')));
    const found = doc.found as { model: string; connection: unknown }[];
    assert.ok(found.length > 0 && found.every((x) => x.model === 'sdm120'), JSON.stringify(found));
    assert.ok(found.some((x) => JSON.stringify(x.connection) === JSON.stringify({ serial: pty.b, ...f.line })), JSON.stringify(found.map((x) => x.connection)));
  } finally {
    await sim.close();
    await pty.close();
  }
});

test.run();
