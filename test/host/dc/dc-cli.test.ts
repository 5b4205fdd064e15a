// `amsgate dc validate` and `dc estimate` end to end on a store with a gap that is later filled.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { dayRecords } from '../exports/dataset.js';
import { amsgate, tempCollector } from './cli.js';

test('validate finds the missing half hour (exit 1), estimate fills it exactly, the late record replaces the estimate', async () => {
  const { compacts, records, sim } = dayRecords('gw1', ['2026-06-01', '2026-06-02']);
  const gapIdx = records.findIndex((r) => r.channel === 'import' && r.period.start === '2026-06-02T10:00:00.000Z');
  const c = await tempCollector(sim);
  try {
    await c.add(compacts.filter((_, i) => i !== gapIdx));
    const range = ['--db', c.path, '--from', '2026-06-02', '--to', '2026-06-02T20:00:00Z'];
    const v = await amsgate(['dc', 'validate', ...range, '--json']);
    assert.is(v.code, 1, v.stderr);
    const vj = JSON.parse(v.stdout) as { counts: Record<string, number>; findings: { amsid: string; start: string; verdict: string }[] };
    assert.equal(vj.counts, { valid: 79, missing: 1 });
    assert.equal(vj.findings.map((f) => [f.amsid, f.start, f.verdict]), [['1900000000017', '2026-06-02T10:00:00.000Z', 'missing']]);

    const e = await amsgate(['dc', 'estimate', ...range, '--json']);
    assert.is(e.code, 0, e.stderr);
    const ej = JSON.parse(e.stdout) as { estimates: { start: string; energyWh: number; method: string }[] };
    // Bracketed by registers on both sides: the estimate is the register advance, i.e. the record left out.
    assert.equal(ej.estimates.map((x) => [x.start, x.energyWh, x.method]), [['2026-06-02T10:00:00.000Z', records[gapIdx]!.energyWh, 'register-bracket']]);

    await c.add([compacts[gapIdx]!]);
    const e2 = await amsgate(['dc', 'estimate', ...range, '--json']);
    assert.is(e2.code, 0, e2.stderr);
    assert.is((JSON.parse(e2.stdout) as { replacedByActual: number }).replacedByActual, 1);
    const db = new Database(c.path, { readonly: true });
    const rows = db.prepare('SELECT state, replaced_by FROM dc_estimates').all() as { state: string; replaced_by: string }[];
    const val = db.prepare("SELECT verdict FROM dc_validation WHERE amsid = '1900000000017' AND period_start = ?").get(Date.parse('2026-06-02T10:00:00Z')) as { verdict: string };
    db.close();
    assert.equal(rows, [{ state: 'replaced', replaced_by: records[gapIdx]!.id }]);
    assert.is(val.verdict, 'missing'); // as of the last validate run
  } finally {
    c.cleanup();
  }
});

test.run();
