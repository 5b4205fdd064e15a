// Each validation rule on a period built to trip it, and a clean period passing all of them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { demoConfig } from '../../../device/config/gateway-config.js';
import type { IntervalRecord } from '../../../device/records/record-types.js';
import { validatePeriod, type PeriodContext, type PeriodInput } from '../../../host-cli/dc/validation/rules.js';
import { maxWhOf, validateRange } from '../../../host-cli/dc/validation/validate-series.js';
import { dayRecords, mixedDayRecords } from '../exports/dataset.js';

const { records } = dayRecords('gw1', ['2026-06-01']);
const imp = records.filter((r) => r.channel === 'import');
const ctx: PeriodContext = { maxWh: null, consumptionKnown: null, importOnly: false, provingDueSince: null };

function input(r: IntervalRecord | null, over: Partial<PeriodInput> = {}, c: Partial<PeriodContext> = {}): PeriodInput {
  const base = r ?? imp[5]!;
  const start = Date.parse(base.period.start);
  return { amsid: base.amsid, dev: base.dev, meter: base.meter.id, channel: base.channel, startMs: start, endMs: start + 1_800_000, record: r, finer: [], context: { ...ctx, ...c }, ...over };
}
const failed = (p: PeriodInput): string[] => validatePeriod(p).results.filter((x) => x.outcome === 'fail').map((x) => x.rule);
const warned = (p: PeriodInput): string[] => validatePeriod(p).results.filter((x) => x.outcome === 'warn').map((x) => x.rule);

test('a clean period is valid; each rule fails or warns on the period made to trip it', () => {
  assert.is(validatePeriod(input(imp[5]!)).verdict, 'valid');
  assert.is(validatePeriod(input(null)).verdict, 'missing');
  assert.equal(warned(input(imp[5]!, {}, {})), []);
  assert.equal(warned(input({ ...imp[5]!, quality: 'estimated', coveragePermille: 400 })), ['estimated-at-source']);
  assert.equal(failed(input({ ...imp[5]!, flags: ['energy-power-mismatch' as never] })), ['source-flags']);
  assert.equal(failed(input({ ...imp[5]!, flags: ['implausible-advance' as never, 'late-data'] })), ['source-flags']);
  assert.equal(warned(input({ ...imp[5]!, flags: ['some-new-flag' as never] })), ['source-flags']);
  assert.equal(failed(input({ ...imp[5]!, flags: ['alarm-active'] })), ['alarm-active']);
  assert.equal(failed(input({ ...imp[5]!, register: { ...imp[5]!.register, end: '999' } })), ['reversed-energy']);
  const exp = records.find((r) => r.channel === 'export' && r.energyWh > 0)!;
  assert.equal(failed(input(exp, {}, { importOnly: true })), ['reversed-energy']);
  assert.equal(failed(input(exp, {}, { importOnly: false })), []);
  assert.equal(failed(input(imp[5]!, {}, { maxWh: imp[5]!.energyWh - 1 })), ['implausible-advance']);
  assert.equal(failed(input(imp[5]!, {}, { maxWh: imp[5]!.energyWh })), []);
  assert.equal(failed(input({ ...imp[5]!, energyWh: 0 }, {}, { consumptionKnown: 'ocpp session' })), ['zero-during-consumption']);
  const start = Date.parse(imp[5]!.period.start);
  assert.equal(failed(input(imp[5]!, {}, { provingDueSince: start + 60_000 })), ['key-field-change-without-proving-test']);
  assert.equal(failed(input(imp[5]!, {}, { provingDueSince: start + 1_800_000 })), []);
});

test('max energy from configuration: 110 % Un x Imax x phases over the period', () => {
  const m = demoConfig('/tmp').meters[0]!; // 230 V, 100 A, 3 phases, whole current
  assert.is(maxWhOf(m, 1_800_000), Math.ceil(230 * 1.1 * 100 * 3 * 0.5));
});

test('validateRange: a missing half hour covered by quarters is a warning, uncovered it is missing; zero half hour with energy in its quarters fails', () => {
  const { records: mixed } = mixedDayRecords('gw1', ['2026-06-02']);
  const t0 = Date.parse('2026-06-02T08:00:00Z');
  const noHalf = mixed.filter((r) => !(r.period.resolution === 'PT30M' && Date.parse(r.period.start) === t0 && r.channel === 'import'));
  const none = noHalf.filter((r) => !(Date.parse(r.period.start) >= t0 && Date.parse(r.period.start) < t0 + 1_800_000 && r.channel === 'import'));
  const inputs = { meters: new Map(), sessions: [], provingDue: new Map() };
  const v1 = validateRange(noHalf, t0, t0 + 1_800_000, inputs).find((v) => v.series.channel === 'import')!;
  assert.is(v1.verdict, 'valid-with-warnings');
  assert.match(v1.findings[0]!.detail, /2 PT15M records cover it exactly/);
  assert.is(validateRange(none, t0, t0 + 1_800_000, inputs).find((v) => v.series.channel === 'import')!.verdict, 'missing');
  const zeroed = mixed.map((r) => (r.period.resolution === 'PT30M' && Date.parse(r.period.start) === t0 && r.channel === 'import' ? { ...r, energyWh: 0 } : r));
  const v3 = validateRange(zeroed, t0, t0 + 1_800_000, inputs).find((v) => v.series.channel === 'import')!;
  assert.is(v3.verdict, 'invalid');
  assert.equal(v3.findings.map((f) => f.rule), ['zero-during-consumption']);
});

test.run();
